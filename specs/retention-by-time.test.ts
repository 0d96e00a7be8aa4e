// The plan retention-by-time writes: one segment per record, oldest first, the records past
// retention.ms (by at least an hour) before the ones within it (by at least an hour).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HOUR_MS, SEGMENT_MS } from "./kit/retention.ts";
import { retentionByTimePlan, type RetentionByTimeWorkload } from "./retention-by-time.ts";

const NOW = 1_800_000_000_000;

const workload: fc.Arbitrary<RetentionByTimeWorkload> = fc.record({
  retentionDays: fc.integer({ min: 2, max: 5 }),
  hoursPastRetention: fc.uniqueArray(fc.integer({ min: 1, max: 30 * 24 }), { minLength: 1, maxLength: 4 }),
  hoursOld: fc.uniqueArray(fc.integer({ min: 0, max: 2 * 24 - 2 }), { maxLength: 4 }),
  payloads: fc.array(fc.string(), { minLength: 1, maxLength: 4 }),
});

describe("retentionByTimePlan", () => {
  it("deletes exactly the records more than retention.ms old, each alone in its segment, none near the line", () => {
    fc.assert(
      fc.property(workload, (w) => {
        const plan = retentionByTimePlan(w, NOW);
        const retentionMs = Number(plan.config["retention.ms"]);
        const ages = plan.records.map((r) => NOW - (r.timestamp ?? NOW));
        ages.forEach((age, i) => {
          if (i < plan.firstRetained) expect(age).toBeGreaterThanOrEqual(retentionMs + HOUR_MS);
          else expect(age).toBeLessThanOrEqual(retentionMs - HOUR_MS);
          if (i > 0) expect(ages[i - 1] - age).toBeGreaterThan(SEGMENT_MS);
        });
        expect(plan.firstRetained).toBe(w.hoursPastRetention.length);
        expect(plan.config["retention.bytes"]).toBe("-1");
      }),
      { numRuns: 200 },
    );
  });
});
