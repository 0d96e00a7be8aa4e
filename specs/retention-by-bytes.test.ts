// The plan retention-by-bytes predicts against Kafka's rule, simulated on its own here: delete the
// oldest segment while the rest still take at least retention.bytes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HOUR_MS, SEGMENT_MS, singleRecordBatchBytes } from "./kit/retention.ts";
import { retentionByBytesPlan } from "./retention-by-bytes.ts";

/** How many of the oldest one-record segments retention.bytes deletes. */
function deletedBySize(sizes: readonly number[], retentionBytes: number): number {
  let total = sizes.reduce((sum, size) => sum + size, 0);
  let deleted = 0;
  while (deleted < sizes.length && total - sizes[deleted] >= retentionBytes) total -= sizes[deleted++];
  return deleted;
}

const workload = fc.record({
  records: fc.array(fc.record({ key: fc.option(fc.string({ unit: "grapheme", maxLength: 8 }), { nil: null }), payload: fc.string({ unit: "grapheme", maxLength: 300 }) }), { minLength: 2, maxLength: 8 }),
  keep: fc.nat(),
});

describe("retentionByBytesPlan", () => {
  it("keeps the records Kafka's size rule keeps, one segment each, and not one byte of slack decides it", () => {
    fc.assert(
      fc.property(workload, (w) => {
        const plan = retentionByBytesPlan(w, 1_800_000_000_000);
        const sizes = plan.records.map((r) => singleRecordBatchBytes(r.key, r.value));
        const retentionBytes = Number(plan.config["retention.bytes"]);
        expect(deletedBySize(sizes, retentionBytes)).toBe(plan.firstRetained);
        // Off by a few bytes in the size estimate would not change what is deleted.
        expect(deletedBySize(sizes, retentionBytes - 16)).toBe(plan.firstRetained);
        expect(deletedBySize(sizes, retentionBytes + 16)).toBe(plan.firstRetained);
        expect(plan.records.length - plan.firstRetained).toBe(1 + (w.keep % (w.records.length - 1)));
        for (let i = 1; i < plan.records.length; i++) expect((plan.records[i].timestamp ?? 0) - (plan.records[i - 1].timestamp ?? 0)).toBeGreaterThan(SEGMENT_MS);
        expect(plan.config["retention.ms"]).toBe("-1");
      }),
      { numRuns: 200 },
    );
  });

  it("explains both sides of the line", () => {
    const plan = retentionByBytesPlan({ records: [{ key: null, payload: "x" }, { key: null, payload: "y" }, { key: null, payload: "z" }], keep: 0 }, 10 * HOUR_MS);
    expect(plan.firstRetained).toBe(2);
    expect(plan.explain(1)).toMatch(/^is older than records that alone take 71 bytes, at least retention.bytes \(36\)$/);
    expect(plan.explain(2)).toMatch(/would take 0 bytes, less than retention.bytes \(36\)/);
  });
});
