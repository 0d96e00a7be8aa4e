// The acks checker on doctored read-backs: what each acks setting may lose, and what it may not.
import { describe, expect, it } from "vitest";
import { acksViolations, type AcksSend } from "./acks-guarantees.ts";
import type { ReadRecord } from "./kit/clients.ts";

const read = (partition: number, values: readonly (string | null)[], firstOffset = 0): ReadRecord[] =>
  values.map((value, i) => ({ partition, offset: firstOffset + i, key: null, value, timestamp: 0 }));

const sent = (values: readonly string[], durable: boolean, offsets?: readonly number[]): AcksSend[] =>
  values.map((value, seq) => ({ value, seq, replicatedOrAfterFailover: durable, ...(offsets ? { offset: offsets[seq] } : {}) }));

describe("acksViolations", () => {
  it("accepts a read-back that holds every acknowledged record at its offset, in send order", () => {
    expect(acksViolations(-1, 2, sent(["a", "b", "c"], false, [0, 1, 2]), read(2, ["a", "b", "c"]))).toEqual([]);
  });

  it("reports an acks=all record acknowledged but gone after the failover", () => {
    const violations = acksViolations(-1, 2, sent(["a", "b", "c"], false, [0, 1, 2]), read(2, ["a", "c"]));
    expect(violations.join("\n")).toMatch(/acks=all partition 2: "b" was acknowledged at offset 1, but the read-back holds "c" there/);
  });

  it("lets acks=1 lose a record acknowledged by the old leader before replication, but not a replicated one", () => {
    const sends: AcksSend[] = [
      { value: "replicated", seq: 0, offset: 0, replicatedOrAfterFailover: true },
      { value: "unreplicated", seq: 1, offset: 1, replicatedOrAfterFailover: false },
      { value: "after", seq: 2, offset: 1, replicatedOrAfterFailover: true },
    ];
    expect(acksViolations(1, 1, sends, read(1, ["replicated", "after"]))).toEqual([]);
    expect(acksViolations(1, 1, sends, read(1, ["unreplicated", "after"], 1)).join("\n")).toMatch(/"replicated" was acknowledged at offset 0, but the read-back holds nothing there/);
  });

  it("lets acks=0 lose records, but not carry an offset", () => {
    expect(acksViolations(0, 0, sent(["a", "b"], false), read(0, ["b"]))).toEqual([]);
    expect(acksViolations(0, 0, sent(["a"], false, [7]), read(0, ["a"])).join("\n")).toMatch(/confirmed at offset 7, but acks=0 is never acknowledged/);
  });

  it("reports records read back out of send order, and records nobody sent", () => {
    const violations = acksViolations(1, 1, sent(["a", "b"], false, [0, 1]), read(1, ["b", "a", "ghost"]));
    expect(violations.join("\n")).toMatch(/"a" \(send #0\) was read at offset 1, after a record sent later/);
    expect(violations.join("\n")).toMatch(/offset 2 holds "ghost", which was never sent/);
  });

  it("tolerates a retried duplicate and keeps the wire probe out of the order check", () => {
    const sends: AcksSend[] = [...sent(["a", "b"], false, [0, 1]), { value: "probe", seq: 2, replicatedOrAfterFailover: false, outOfBand: true }];
    expect(acksViolations(-1, 2, sends, read(2, ["a", "b", "b", "probe"]))).toEqual([]);
    expect(acksViolations(0, 0, sent(["a", "b"], false).concat([{ value: "probe", seq: 2, replicatedOrAfterFailover: false, outOfBand: true }]), read(0, ["probe", "a", "b"]))).toEqual([]);
  });
});
