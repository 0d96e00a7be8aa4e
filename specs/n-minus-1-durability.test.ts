// The N-1 durability checker on doctored read-backs: a record lost or reordered after the wipe is reported.
import { describe, expect, it } from "vitest";
import type { ReadRecord } from "./kit/clients.ts";
import type { AckedRecord } from "./kit/records.ts";
import { durabilityViolations } from "./n-minus-1-durability.ts";

const acked: AckedRecord[] = [
  { key: null, value: "a", partition: 0, offset: 0 },
  { key: null, value: "b", partition: 0, offset: 1 },
  { key: null, value: "c", partition: 1, offset: 0 },
];
const read = (byPartition: Record<number, string[]>): Map<number, ReadRecord[]> =>
  new Map(Object.entries(byPartition).map(([p, values]) => [Number(p), values.map((value, offset) => ({ partition: Number(p), offset, key: null, value, timestamp: 0 }))]));

describe("durabilityViolations", () => {
  it("accepts every acknowledged record back at its offset", () => {
    expect(durabilityViolations(acked, read({ 0: ["a", "b"], 1: ["c"] }), [2, 3])).toEqual([]);
  });

  it("reports a partition the wiped brokers took with them", () => {
    const text = durabilityViolations(acked, read({ 0: ["a", "b"], 1: [] }), [2, 3]).join("\n");
    expect(text).toMatch(/value "c" was acknowledged at partition 1 offset 0, but the read-back after brokers 2, 3 were killed, wiped and restarted has no record there/);
  });

  it("reports records read back in another order than sent", () => {
    expect(durabilityViolations(acked, read({ 0: ["b", "a"], 1: ["c"] }), [1]).join("\n")).toMatch(/partition 0 returns "b" where "a" was sent/);
  });
});
