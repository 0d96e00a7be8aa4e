// The sparse index's floor search, truncation and on-disk form, damaged files included.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SparseIndex } from "./sparse-index.ts";

describe("SparseIndex", () => {
  it("finds the value of the last entry at or below a key", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 10_000 }), { maxLength: 100 }), fc.integer({ min: -5, max: 10_005 }), (raw, probe) => {
        const keys = [...raw].sort((a, b) => a - b);
        const index = new SparseIndex(1_000);
        keys.forEach((k, i) => index.append(k, i * 10));
        const expected = keys.filter((k) => k <= probe).length - 1;
        expect(index.floorValue(probe)).toBe(expected < 0 ? undefined : expected * 10);
      }),
      { numRuns: 200 },
    );
  });

  it("truncates from the first entry that fails, and counts as full at maxEntries", () => {
    const index = new SparseIndex(3);
    [10, 20, 30].forEach((k) => index.append(k, k * 2));
    expect(index.isFull).toBe(true);
    index.truncateWhere((key) => key < 25);
    expect(index.entries).toBe(2);
    expect(index.lastKey()).toBe(20);
    expect(index.lastValue()).toBe(40);
    expect(index.isFull).toBe(false);
  });

  it("serializes and refuses damaged files", () => {
    const index = new SparseIndex(10);
    index.append(100, 0);
    index.append(105, 4096);
    const data = index.serialize();
    const back = SparseIndex.deserialize(data, 10, () => true)!;
    expect([back.entries, back.floorValue(104), back.floorValue(200)]).toEqual([2, 0, 4096]);
    expect(SparseIndex.deserialize(data.subarray(0, 20), 10, () => true)).toBeUndefined();
    expect(SparseIndex.deserialize(Buffer.concat([data.subarray(16), data.subarray(0, 16)]), 10, () => true)).toBeUndefined();
    expect(SparseIndex.deserialize(data, 10, (_k, v) => v < 4096)).toBeUndefined();
  });
});
