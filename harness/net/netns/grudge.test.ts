// Properties of the partition topologies: who drops whom, for any set of node ids.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  PartitionSpecError,
  bisect,
  bridge,
  completeGrudge,
  grudgeToJson,
  isolateNode,
  majorityMinority,
  oneWay,
  splitHalves,
  tcpReachable,
  type Grudge,
} from "./grudge.ts";

const nodeSets = (minLength: number) => fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength, maxLength: 9 });

function drops(grudge: Grudge, node: number, other: number): boolean {
  return grudge.get(node)?.has(other) ?? false;
}

function isSymmetric(grudge: Grudge): boolean {
  return [...grudge].every(([node, dropped]) => [...dropped].every((other) => drops(grudge, other, node)));
}

describe("completeGrudge", () => {
  it("drops exactly the pairs in different components", () => {
    fc.assert(
      fc.property(nodeSets(1), fc.array(fc.nat(3)), (nodes, labels) => {
        const componentOf = (index: number) => labels[index] ?? 0;
        const components = [0, 1, 2, 3].map((c) => nodes.filter((_, index) => componentOf(index) === c));
        const grudge = completeGrudge(components);
        nodes.forEach((a, i) =>
          nodes.forEach((b, j) => expect(drops(grudge, a, b)).toBe(componentOf(i) !== componentOf(j))),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("rejects a node that sits in two components", () => {
    expect(() => completeGrudge([[1, 2], [2, 3]])).toThrow(PartitionSpecError);
  });
});

describe("isolateNode", () => {
  it("cuts one node off from all others and leaves the rest connected", () => {
    fc.assert(
      fc.property(nodeSets(2).chain((nodes) => fc.tuple(fc.constant(nodes), fc.constantFrom(...nodes))), ([nodes, node]) => {
        const grudge = isolateNode(nodes, node);
        for (const a of nodes) {
          for (const b of nodes) {
            if (a === b) continue;
            expect(tcpReachable(grudge, a, b)).toBe(a !== node && b !== node);
          }
        }
        expect(isSymmetric(grudge)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses a node that is not in the cluster", () => {
    expect(() => isolateNode([1, 2, 3], 4)).toThrow(/node 4 is not one of 1, 2, 3/);
  });
});

describe("splitHalves", () => {
  it("splits into two sides whose sizes differ by at most one, larger side second", () => {
    fc.assert(
      fc.property(nodeSets(2), (nodes) => {
        const grudge = splitHalves(nodes);
        const [first, second] = bisect(nodes);
        expect(second.length - first.length).toBeGreaterThanOrEqual(0);
        expect(second.length - first.length).toBeLessThanOrEqual(1);
        for (const a of first) for (const b of second) expect(tcpReachable(grudge, a, b)).toBe(false);
        for (const a of second) for (const b of second) expect(tcpReachable(grudge, a, b)).toBe(true);
        expect(isSymmetric(grudge)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe("majorityMinority", () => {
  it("cuts the minority from the majority", () => {
    expect(grudgeToJson(majorityMinority([1, 2, 3, 4, 5], [4, 2]))).toEqual({
      "1": [2, 4],
      "2": [1, 3, 5],
      "3": [2, 4],
      "4": [1, 3, 5],
      "5": [2, 4],
    });
  });

  it("refuses a 'minority' of half the nodes or more, and an empty one", () => {
    expect(() => majorityMinority([1, 2, 3, 4], [1, 2])).toThrow(PartitionSpecError);
    expect(() => majorityMinority([1, 2, 3], [])).toThrow(PartitionSpecError);
  });
});

describe("bridge", () => {
  it("keeps one node that reaches both halves while the halves cannot reach each other", () => {
    fc.assert(
      fc.property(nodeSets(3), (nodes) => {
        const grudge = bridge(nodes);
        const [first, second] = bisect(nodes);
        const bridgeNode = second[0];
        expect(grudge.has(bridgeNode)).toBe(false);
        for (const node of nodes) expect(tcpReachable(grudge, node, bridgeNode)).toBe(true);
        for (const a of first) for (const b of second.slice(1)) expect(tcpReachable(grudge, a, b)).toBe(false);
        expect(isSymmetric(grudge)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("matches Jepsen's topology on five nodes", () => {
    // halves [1 2] [3 4 5], bridge 3
    expect(grudgeToJson(bridge([1, 2, 3, 4, 5]))).toEqual({ "1": [4, 5], "2": [4, 5], "4": [1, 2], "5": [1, 2] });
  });

  it("needs three nodes", () => {
    expect(() => bridge([1, 2])).toThrow(/at least 3/);
  });
});

describe("oneWay", () => {
  it("makes only the receiving node drop, from only the sender", () => {
    const grudge = oneWay([1, 2, 3], 1, 2);
    expect(grudgeToJson(grudge)).toEqual({ "2": [1] });
    expect(tcpReachable(grudge, 1, 2)).toBe(false);
    expect(tcpReachable(grudge, 2, 1)).toBe(false);
    expect(tcpReachable(grudge, 1, 3)).toBe(true);
  });

  it("refuses a node dropping itself", () => {
    expect(() => oneWay([1, 2], 1, 1)).toThrow(PartitionSpecError);
  });
});
