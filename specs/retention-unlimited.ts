// retention-unlimited: with retention.ms=-1 and retention.bytes=-1 a topic keeps every record, however
// old its timestamp, across retention checks; the log start offset stays at its first record.
// Source: /work/shared/seed/kafka-notes.md, "Topic vs Queue" ("None: store all messages from the
// beginning of time"); https://kafka.apache.org/documentation/#topicconfigs_retention.ms
import fc from "fast-check";
import type { Spec } from "./spec.ts";
import { checkRetention, DAY_MS, SEGMENT_MS, type RetentionPlan } from "./kit/retention.ts";
import { text } from "./kit/records.ts";

export interface RetentionUnlimitedWorkload {
  /** Distinct ages in days, up to twenty years. */
  daysOld: number[];
  payloads: string[];
}

export function retentionUnlimitedPlan(workload: RetentionUnlimitedWorkload, nowMs: number): RetentionPlan {
  const ages = [...workload.daysOld].sort((a, b) => b - a);
  return {
    config: { "retention.ms": "-1", "retention.bytes": "-1", "segment.ms": String(SEGMENT_MS) },
    records: ages.map((days, i) => ({ key: null, value: `${i}:${workload.payloads[i % workload.payloads.length]}`, timestamp: nowMs - days * DAY_MS })),
    firstRetained: 0,
    explain: (i) => `was written ${ages[i]} days ago, and retention.ms=-1 with retention.bytes=-1 keeps every record`,
  };
}

const workload: fc.Arbitrary<RetentionUnlimitedWorkload> = fc.record({
  daysOld: fc.uniqueArray(fc.integer({ min: 1, max: 20 * 365 }), { minLength: 1, maxLength: 6 }),
  payloads: fc.array(text({ maxLength: 64 }), { minLength: 1, maxLength: 4 }),
});

export const retentionUnlimited: Spec = {
  name: "retention-unlimited",
  guarantee: "A topic with retention.ms=-1 and retention.bytes=-1 keeps every record, however old, through retention checks: its log start offset stays at its first record.",
  source: 'kafka-notes.md, "Topic vs Queue": "None: store all messages from the beginning of time". https://kafka.apache.org/documentation/#topicconfigs_retention.ms',
  numRuns: 2,
  timeLimitMs: 15_000,
  property: (context) => fc.asyncProperty(workload, (w) => checkRetention("retention-unlimited", context, retentionUnlimitedPlan(w, Date.now()))),
};
