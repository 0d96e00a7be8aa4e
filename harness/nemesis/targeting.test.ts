// Aiming faults by role: targets read and print back, and resolve against a cluster view to the
// nodes holding the role — deterministically for a given pick, always within the cluster.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ClusterView } from "./cluster-view.ts";
import { formatTarget, minoritySize, parseTarget, resolveTarget, rotate, TargetError, type TargetSpec } from "./targeting.ts";

const VIEW: ClusterView = {
  brokers: [1, 2, 3, 4, 5],
  nodes: [1, 2, 3, 4, 5],
  leaders: { 0: 3, 1: -1, 2: 5 },
  replicas: { 0: [3, 1, 2], 1: [1, 2, 4], 2: [5, 4, 1] },
  isr: { 0: [3, 1], 1: [1, 2, 4], 2: [5] },
  controller: 2,
};

const targetArbitrary: fc.Arbitrary<TargetSpec> = fc.oneof(
  fc.nat({ max: 9 }).map((nodeId): TargetSpec => ({ kind: "node", nodeId })),
  fc.nat({ max: 9 }).map((partition): TargetSpec => ({ kind: "leader", partition })),
  fc.nat({ max: 9 }).map((partition): TargetSpec => ({ kind: "followers", partition })),
  fc.constantFrom<TargetSpec>({ kind: "random" }, { kind: "controller" }, { kind: "minority" }, { kind: "majority" }, { kind: "all" }),
);

describe("targets", () => {
  it("read back what they print", () => {
    fc.assert(
      fc.property(targetArbitrary, (spec) => {
        expect(parseTarget(formatTarget(spec))).toEqual(spec);
      }),
    );
  });

  it("refuse what they cannot read, naming the forms", () => {
    for (const text of ["leader", "leader:x", "node:1:2", "minority:1", "everyone", ""]) expect(() => parseTarget(text)).toThrow(TargetError);
    expect(() => parseTarget("leaderz:1")).toThrow(/targets are node:N, random, leader:P/);
  });
});

describe("resolveTarget", () => {
  it("finds the holders of each role", () => {
    expect(resolveTarget({ kind: "leader", partition: 0 }, VIEW, 0)).toEqual([3]);
    expect(resolveTarget({ kind: "followers", partition: 0 }, VIEW, 0)).toEqual([1, 2]);
    expect(resolveTarget({ kind: "controller" }, VIEW, 0)).toEqual([2]);
    expect(resolveTarget({ kind: "node", nodeId: 4 }, VIEW, 0)).toEqual([4]);
    expect(resolveTarget({ kind: "all" }, VIEW, 0)).toEqual([1, 2, 3, 4, 5]);
    expect(resolveTarget({ kind: "minority" }, VIEW, 0)).toEqual([1, 2]);
    expect(resolveTarget({ kind: "majority" }, VIEW, 1)).toEqual([2, 3, 4]);
  });

  it("fails with the reason when a role has no holder", () => {
    expect(() => resolveTarget({ kind: "leader", partition: 1 }, VIEW, 0)).toThrow(/no leader of partition 1/);
    expect(() => resolveTarget({ kind: "leader", partition: 7 }, VIEW, 0)).toThrow(TargetError);
    expect(() => resolveTarget({ kind: "controller" }, { ...VIEW, controller: undefined }, 0)).toThrow(/active controller/);
    expect(() => resolveTarget({ kind: "node", nodeId: 9 }, VIEW, 0)).toThrow(/node 9/);
    expect(() => resolveTarget({ kind: "minority" }, { ...VIEW, brokers: [1, 2] }, 0)).toThrow(/minority/);
  });

  it("picks deterministically, within the brokers, a minority under half and a majority over it", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 20 }), { minLength: 3, maxLength: 9 }), fc.nat(), (brokers, pick) => {
        const view = { ...VIEW, brokers, nodes: brokers };
        const minority = resolveTarget({ kind: "minority" }, view, pick);
        const majority = resolveTarget({ kind: "majority" }, view, pick);
        const random = resolveTarget({ kind: "random" }, view, pick);
        expect(minority.length * 2).toBeLessThan(brokers.length);
        expect(minority.length).toBe(minoritySize(brokers.length));
        expect(majority.length * 2).toBeGreaterThan(brokers.length);
        for (const node of [...minority, ...majority, ...random]) expect(brokers).toContain(node);
        expect(new Set(minority).size).toBe(minority.length);
        expect(resolveTarget({ kind: "random" }, view, pick)).toEqual(random);
      }),
    );
  });

  it("rotates a sorted order by the pick", () => {
    expect(rotate([3, 1, 2], 0)).toEqual([1, 2, 3]);
    expect(rotate([3, 1, 2], 4)).toEqual([2, 3, 1]);
    expect(rotate([], 5)).toEqual([]);
  });
});
