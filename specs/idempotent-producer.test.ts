// The idempotence checker on doctored read-backs: a duplicate, a reordering and a lost acknowledged
// record are each reported; a failed send may be missing.
import { describe, expect, it } from "vitest";
import type { ReadRecord } from "./kit/clients.ts";
import { idempotenceViolations, type IdempotentSend } from "./idempotent-producer.ts";

const sends: IdempotentSend[] = [
  { partition: 0, values: ["p0-0", "p0-1"], acked: true },
  { partition: 0, values: ["p0-2"], acked: false },
  { partition: 0, values: ["p0-3"], acked: true },
];
const read = (values: readonly string[]): Map<number, ReadRecord[]> => new Map([[0, values.map((value, offset) => ({ partition: 0, offset, key: null, value, timestamp: 0 }))]]);

describe("idempotenceViolations", () => {
  it("accepts every value once in send order, with a failed send's record missing", () => {
    expect(idempotenceViolations(sends, read(["p0-0", "p0-1", "p0-3"]))).toEqual([]);
    expect(idempotenceViolations(sends, read(["p0-0", "p0-1", "p0-2", "p0-3"]))).toEqual([]);
  });

  it("reports a retried batch written twice", () => {
    expect(idempotenceViolations(sends, read(["p0-0", "p0-1", "p0-0", "p0-1", "p0-3"])).join("\n")).toMatch(/partition 0 holds "p0-0" twice, at offsets 0 and 2/);
  });

  it("reports records out of send order and an acknowledged record lost", () => {
    const text = idempotenceViolations(sends, read(["p0-1", "p0-0"])).join("\n");
    expect(text).toMatch(/holds "p0-0" at offset 1, after "p0-1" \(offset 0\) which was sent later/);
    expect(text).toMatch(/the acknowledged send of 1 record\(s\) lost "p0-3"/);
  });
});
