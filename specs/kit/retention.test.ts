// The retention specs' pure parts: a one-record batch's size agrees with a real v2 encoder, and the
// log start offset watch is judged too early, too late, backwards and just right.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildRecordBatch } from "../../reference-broker/log/batch-builder.ts";
import type { ReadRecord } from "./clients.ts";
import type { AckedRecord } from "./records.ts";
import { logStartViolations, retainedNotReadBack, singleRecordBatchBytes, type LogStartSample } from "./retention.ts";

const acked: AckedRecord[] = ["a", "b", "c", "d"].map((value, offset) => ({ key: null, value, partition: 0, offset }));
const plan = { firstRetained: 2, explain: (i: number) => (i < 2 ? "is past retention" : "is within retention") };
const sample = (elapsedMs: number, start: number, end = 4): LogStartSample => ({ elapsedMs, start, end });
const read = (offsets: number[]): Map<number, ReadRecord[]> => new Map([[0, offsets.map((offset) => ({ ...acked[offset], timestamp: 0 }))]]);

describe("singleRecordBatchBytes", () => {
  it("is the length of the v2 batch a real encoder writes for the record", () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: "grapheme", maxLength: 200 }), { nil: null }), fc.string({ unit: "grapheme", maxLength: 3000 }), (key, value) => {
        expect(singleRecordBatchBytes(key, value)).toBe(buildRecordBatch({ records: [{ key, value }], timestamp: 1_700_000_000_000 }).length);
      }),
      { numRuns: 200 },
    );
  });
});

describe("logStartViolations", () => {
  it("accepts a log start that moves forward to the first retained record and stays there", () => {
    expect(logStartViolations(acked, plan, [sample(0, 0), sample(100, 1), sample(200, 2), sample(900, 2)])).toEqual([]);
  });

  it("reports deletion past the first retained record, naming it", () => {
    const [violation] = logStartViolations(acked, plan, [sample(0, 0), sample(100, 3)]);
    expect(violation).toMatch(/after 100 ms the log start offset was 3, deleting offsets 2\.\.2 too early: key null value "c" at offset 2 is within retention/);
  });

  it("reports records past retention still there at the end of the watch", () => {
    expect(logStartViolations(acked, plan, [sample(0, 0), sample(3_000, 1)])).toEqual([expect.stringMatching(/after 3000 ms the log start offset was still 1, not 2: key null value "b" at offset 1 is past retention/)]);
  });

  it("reports a log start offset going back, and an end offset that moved", () => {
    const violations = logStartViolations(acked, plan, [sample(0, 2), sample(100, 1, 5), sample(200, 2)]);
    expect(violations).toContain("the log start offset went back from 2 to 1 after 100 ms");
    expect(violations).toContain("after 100 ms the end offset was 5, but the writes ended at 4 and nothing else was written");
  });

  it("expects the end offset as log start when every record is past retention", () => {
    const all = { firstRetained: 4, explain: () => "is past retention" };
    expect(logStartViolations(acked, all, [sample(0, 4)])).toEqual([]);
    expect(logStartViolations(acked, all, [sample(0, 3)])).toHaveLength(1);
  });
});

describe("retainedNotReadBack", () => {
  it("wants exactly the retained records", () => {
    expect(retainedNotReadBack(acked, 2, read([2, 3]))).toEqual([]);
    expect(retainedNotReadBack(acked, 2, read([3]))).toEqual([expect.stringMatching(/value "c" was acknowledged at partition 0 offset 2, but the read-back has no record there/)]);
    expect(retainedNotReadBack(acked, 2, read([1, 2, 3]))).toEqual([expect.stringMatching(/value "b" at offset 1 was read back although retention had deleted it/)]);
  });
});
