// The ww edges of the cycle search, each writer looked up once per position, against Jepsen's
// pairwise statement on model and messy histories.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeEdges } from "./cycles.ts";
import type { HistoryIndex } from "./history-index.ts";
import { histories, indexHistory } from "./test-histories.ts";

/** Straight from the definition: for each adjacent pair of positions, by-value lookups and writers. */
function pairwiseWriteEdges(index: HistoryIndex): number[][] {
  const edges: number[][] = [];
  for (const log of index.logs) {
    if (log === undefined) continue;
    const order = log.versionOrder();
    for (let i = 1; i < order.length; i++) {
      const [earlier, later] = [order.valueAt(i - 1), order.valueAt(i)];
      if (order.indexOf(later) !== i) continue;
      const [from, to] = [index.writerOf(earlier), index.writerOf(later)];
      const covered = (value: number) => index.names.covers(index.writerTargetOf(value), log.partition);
      if (from >= 0 && to >= 0 && from !== to && covered(earlier) && covered(later)) edges.push([from, to, log.partition, earlier, later]);
    }
  }
  return edges;
}

describe("write edges", () => {
  it("are those of the pairwise definition", () => {
    fc.assert(
      fc.property(histories, (events) => {
        const index = indexHistory(events);
        const edges = writeEdges(index);
        const found = Array.from({ length: edges.length }, (_, e) => [edges.from.at(e), edges.to.at(e), edges.partition.at(e), edges.value.at(e), edges.next.at(e)]);
        expect(found).toEqual(pairwiseWriteEdges(index));
      }),
      { numRuns: 300 },
    );
  });
});
