// retention-by-bytes: with retention.bytes set, the oldest records are deleted while what remains
// still holds at least retention.bytes, and no more than that: the log keeps the shortest tail of
// records that reaches it. Source: /work/shared/seed/kafka-notes.md, "Topic vs Queue" ("Bytes: keep
// messages until the topic has more than X bytes and then delete");
// https://kafka.apache.org/documentation/#topicconfigs_retention.bytes
import fc from "fast-check";
import type { Spec } from "./spec.ts";
import { checkRetention, HOUR_MS, SEGMENT_MS, singleRecordBatchBytes, type RetentionPlan } from "./kit/retention.ts";
import { text } from "./kit/records.ts";

export interface RetentionByBytesWorkload {
  records: { key: string | null; payload: string }[];
  /** Picks how many of the newest records retention.bytes keeps: at least one, and never all. */
  keep: number;
}

/**
 * One record per segment, an hour apart. retention.bytes falls halfway into the oldest record to
 * keep, so the records after it hold less and the kept tail holds more: no byte of slack either way.
 */
export function retentionByBytesPlan(workload: RetentionByBytesWorkload, nowMs: number): RetentionPlan {
  const n = workload.records.length;
  const records = workload.records.map((r, i) => ({ key: r.key, value: `${i}:${r.payload}`, timestamp: nowMs - (n - i) * HOUR_MS }));
  const sizes = records.map((r) => singleRecordBatchBytes(r.key, r.value));
  const after = (i: number) => sizes.slice(i + 1).reduce((sum, size) => sum + size, 0);
  const firstRetained = n - 1 - (workload.keep % (n - 1));
  const retentionBytes = after(firstRetained) + Math.ceil(sizes[firstRetained] / 2);
  return {
    config: { "retention.bytes": String(retentionBytes), "retention.ms": "-1", "segment.ms": String(SEGMENT_MS) },
    records,
    firstRetained,
    explain: (i) =>
      i < firstRetained
        ? `is older than records that alone take ${after(i)} bytes, at least retention.bytes (${retentionBytes})`
        : `is needed: without it and the older records the log would take ${after(i)} bytes, less than retention.bytes (${retentionBytes})`,
  };
}

const workload: fc.Arbitrary<RetentionByBytesWorkload> = fc.record({
  records: fc.array(fc.record({ key: fc.option(text({ maxLength: 8 }), { nil: null }), payload: text({ maxLength: 300 }) }), { minLength: 2, maxLength: 8 }),
  keep: fc.nat(),
});

export const retentionByBytes: Spec = {
  name: "retention-by-bytes",
  guarantee: "A partition with retention.bytes set deletes its oldest records while the rest still take at least retention.bytes, and keeps the records that take it: the log start offset moves to the first record of the shortest tail holding retention.bytes.",
  source: 'kafka-notes.md, "Topic vs Queue": "Bytes: keep messages until the topic has more than X bytes and then delete". https://kafka.apache.org/documentation/#topicconfigs_retention.bytes',
  numRuns: 2,
  timeLimitMs: 15_000,
  property: (context) => fc.asyncProperty(workload, (w) => checkRetention("retention-by-bytes", context, retentionByBytesPlan(w, Date.now()))),
};
