// Tarjan without recursion, checked against brute-force reachability, and on a cycle far deeper
// than any call stack.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { graphOf, shortestCycle, stronglyConnectedComponents } from "./scc.ts";

function reachable(nodes: number, from: number[], to: number[]): boolean[][] {
  const reach = Array.from({ length: nodes }, (_, i) => Array.from({ length: nodes }, (_, j) => i === j));
  for (let e = 0; e < from.length; e++) reach[from[e]][to[e]] = true;
  for (let k = 0; k < nodes; k++) for (let i = 0; i < nodes; i++) for (let j = 0; j < nodes; j++) if (reach[i][k] && reach[k][j]) reach[i][j] = true;
  return reach;
}

describe("stronglyConnectedComponents", () => {
  it("finds exactly the sets of mutually reachable nodes", () => {
    const graph = fc.integer({ min: 2, max: 9 }).chain((nodes) =>
      fc.tuple(fc.constant(nodes), fc.array(fc.tuple(fc.nat(nodes - 1), fc.nat(nodes - 1)).filter(([a, b]) => a !== b), { maxLength: 20 })),
    );
    fc.assert(
      fc.property(graph, ([nodes, edges]) => {
        const from = edges.map((e) => e[0]);
        const to = edges.map((e) => e[1]);
        const g = graphOf(nodes, from, to, from.length);
        const reach = reachable(nodes, from, to);
        const componentOf = new Map<number, number>();
        stronglyConnectedComponents(g).forEach((component, c) => component.forEach((node) => componentOf.set(node, c)));
        for (let i = 0; i < nodes; i++) {
          for (let j = 0; j < nodes; j++) {
            const mutual = i !== j && reach[i][j] && reach[j][i];
            const together = componentOf.has(i) && componentOf.get(i) === componentOf.get(j);
            if (i !== j) expect(together).toBe(mutual);
          }
        }
        for (const component of stronglyConnectedComponents(g)) {
          const cycle = shortestCycle(g, component);
          expect(cycle.length).toBeGreaterThan(1);
          // Consecutive edges chain up and the last returns to the first's start.
          cycle.forEach((e, k) => expect(to[e]).toBe(from[cycle[(k + 1) % cycle.length]]));
          expect(from[cycle[0]]).toBe(Math.min(...component));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("handles a cycle of 200,000 nodes without recursion", () => {
    const n = 200_000;
    const from = Array.from({ length: n }, (_, i) => i);
    const to = from.map((i) => (i + 1) % n);
    const components = stronglyConnectedComponents(graphOf(n, from, to, n));
    expect(components).toHaveLength(1);
    expect(components[0]).toHaveLength(n);
  });
});
