// The min.insync.replicas checker on doctored outcomes, the shapes a cluster's quorum allows, and
// how kafkajs's wrapped errors are read.
import { describe, expect, it } from "vitest";
import type { ReadRecord } from "./kit/clients.ts";
import { protocolErrorType, refusalShapes, refusalViolations, type Attempt } from "./min-insync-replicas-refusal.ts";

const read = (values: readonly string[]): ReadRecord[] => values.map((value, offset) => ({ partition: 0, offset, key: null, value, timestamp: 0 }));

describe("refusalViolations", () => {
  const good: Attempt[] = [
    { value: "h", acks: -1, phase: "healthy", offset: 0 },
    { value: "x", acks: -1, phase: "below-min-isr", refused: "NOT_ENOUGH_REPLICAS" },
    { value: "one", acks: 1, phase: "below-min-isr", offset: 1 },
    { value: "r", acks: -1, phase: "restored", offset: 2 },
  ];

  it("accepts refusals below min.insync.replicas and acceptance otherwise", () => {
    expect(refusalViolations(good, read(["h", "one", "r"]))).toEqual([]);
  });

  it("reports an acks=all write accepted below min.insync.replicas", () => {
    const attempts: Attempt[] = [{ value: "x", acks: -1, phase: "below-min-isr", offset: 1 }];
    expect(refusalViolations(attempts, read(["h", "x"])).join("\n")).toMatch(/acks=all send of "x" with the ISR below min.insync.replicas was accepted at offset 1; it must be refused/);
  });

  it("reports the wrong refusal, a refused acks=1 write, and a refused record that was written anyway", () => {
    const attempts: Attempt[] = [
      { value: "x", acks: -1, phase: "below-min-isr", refused: "REQUEST_TIMED_OUT" },
      { value: "one", acks: 1, phase: "below-min-isr", refused: "NOT_ENOUGH_REPLICAS" },
      { value: "y", acks: -1, phase: "below-min-isr", refused: "NOT_ENOUGH_REPLICAS" },
    ];
    const text = refusalViolations(attempts, read(["y"])).join("\n");
    expect(text).toMatch(/refused with REQUEST_TIMED_OUT, not NOT_ENOUGH_REPLICAS/);
    expect(text).toMatch(/acks=1 send of "one" .* was refused \(NOT_ENOUGH_REPLICAS\); it must be accepted/);
    expect(text).toMatch(/"y" .* refused with NOT_ENOUGH_REPLICAS \(nothing appended\), yet the read-back contains it/);
  });

  it("reports an accepted record missing from the read-back", () => {
    expect(refusalViolations(good, read(["h", "r"])).join("\n")).toMatch(/"one" .* accepted at offset 1, but the read-back holds "r" there/);
  });
});

describe("refusalShapes", () => {
  it("stops only as many followers as the controller quorum can spare", () => {
    // Three combined broker+controller nodes: one may go.
    expect(refusalShapes(3, 1)).toEqual([
      { replicationFactor: 2, minInsyncReplicas: 2, stopped: 1 },
      { replicationFactor: 3, minInsyncReplicas: 3, stopped: 1 },
    ]);
    // Dedicated controllers: RF=3, min.insync.replicas=2 with two followers stopped, too.
    expect(refusalShapes(3, 3)).toContainEqual({ replicationFactor: 3, minInsyncReplicas: 2, stopped: 2 });
    expect(refusalShapes(2, 0)).toEqual([]);
  });
});

describe("protocolErrorType", () => {
  it("finds the protocol error inside kafkajs's retry wrapper", () => {
    const inner = Object.assign(new Error("not enough"), { type: "NOT_ENOUGH_REPLICAS" });
    expect(protocolErrorType(Object.assign(new Error("retries exceeded"), { cause: inner }))).toBe("NOT_ENOUGH_REPLICAS");
    expect(protocolErrorType(new Error("plain"))).toBeUndefined();
  });
});
