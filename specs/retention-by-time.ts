// retention-by-time: with retention.ms of a few days, records whose CreateTime is older than that
// are deleted (the log start offset moves past them) and younger ones are kept. Source:
// /work/shared/seed/kafka-notes.md, "Topic vs Queue" ("Days: keep messages of up to N days and then
// delete"); https://kafka.apache.org/documentation/#topicconfigs_retention.ms
import fc from "fast-check";
import type { Spec } from "./spec.ts";
import { checkRetention, DAY_MS, HOUR_MS, SEGMENT_MS, type RetentionPlan } from "./kit/retention.ts";
import { text } from "./kit/records.ts";

/** Ages in whole hours: past retention by at least an hour, or under the shortest retention (2 days) by at least one. */
export interface RetentionByTimeWorkload {
  retentionDays: number;
  hoursPastRetention: number[];
  hoursOld: number[];
  payloads: string[];
}

/** Oldest first; the records past retention come first and are the ones it deletes. */
export function retentionByTimePlan(workload: RetentionByTimeWorkload, nowMs: number): RetentionPlan {
  const retentionMs = workload.retentionDays * DAY_MS;
  const ages = [...workload.hoursPastRetention.map((h) => retentionMs + h * HOUR_MS), ...workload.hoursOld.map((h) => h * HOUR_MS)].sort((a, b) => b - a);
  return {
    config: { "retention.ms": String(retentionMs), "retention.bytes": "-1", "segment.ms": String(SEGMENT_MS) },
    records: ages.map((age, i) => ({ key: null, value: `${i}:${workload.payloads[i % workload.payloads.length]}`, timestamp: nowMs - age })),
    firstRetained: workload.hoursPastRetention.length,
    explain: (i) => {
      const hours = ages[i] / HOUR_MS;
      return ages[i] > retentionMs ? `was written ${hours} hours ago, past retention.ms (${workload.retentionDays} days)` : `was written ${hours} hours ago, within retention.ms (${workload.retentionDays} days)`;
    },
  };
}

const workload: fc.Arbitrary<RetentionByTimeWorkload> = fc.record({
  retentionDays: fc.integer({ min: 2, max: 5 }),
  hoursPastRetention: fc.uniqueArray(fc.integer({ min: 1, max: 30 * 24 }), { minLength: 1, maxLength: 4 }),
  hoursOld: fc.uniqueArray(fc.integer({ min: 0, max: 2 * 24 - 2 }), { maxLength: 4 }),
  payloads: fc.array(text({ maxLength: 16 }), { minLength: 1, maxLength: 4 }),
});

export const retentionByTime: Spec = {
  name: "retention-by-time",
  guarantee: "A topic with retention.ms of N days deletes the records whose timestamps are more than N days old, moving its log start offset past them, and keeps every younger record.",
  source: 'kafka-notes.md, "Topic vs Queue": "Days: keep messages of up to N days and then delete". https://kafka.apache.org/documentation/#topicconfigs_retention.ms',
  numRuns: 2,
  timeLimitMs: 15_000,
  property: (context) => fc.asyncProperty(workload, (w) => checkRetention("retention-by-time", context, retentionByTimePlan(w, Date.now()))),
};
