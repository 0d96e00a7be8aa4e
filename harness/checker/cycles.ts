// G0 and G1c (Jepsen, via Elle): dependency cycles between transactions. ww: one operation's send
// immediately precedes another's in a partition's version order; wr: an operation polled another's
// send. G0 is a cycle of ww edges alone (Kafka does not isolate writes, so Jepsen allows it);
// G1c is a cycle of wr edges, transactions that each saw the other's writes, which no commit
// order explains. Mixed cycles are normal under Kafka's transactions (Jepsen allows G1c once it
// infers ww edges) and are not reported. Unlike Elle under strict-serializable, no process or
// real-time edges are added (no G0-realtime, G1c-process). Runs only when the history has
// transactions.
import type { AnomalyType, CycleStep } from "./anomalies.ts";
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import type { HistoryIndex } from "./history-index.ts";
import { NumberColumn } from "./number-column.ts";
import { graphOf, shortestCycle, stronglyConnectedComponents } from "./scc.ts";

/** Edges as parallel columns: operations (rows of `ops`), partition, value, next value (ww). */
export class Edges {
  readonly from = new NumberColumn();
  readonly to = new NumberColumn();
  readonly partition = new NumberColumn();
  readonly value = new NumberColumn();
  readonly next = new NumberColumn();

  get length(): number {
    return this.from.length;
  }

  add(from: number, to: number, partition: number, value: number, next: number): void {
    this.from.push(from);
    this.to.push(to);
    this.partition.push(partition);
    this.value.push(value);
    this.next.push(next);
  }
}

export const cycles: Analysis = {
  name: "cycles",
  run(index, findings) {
    if (!index.hasTxn) return;
    report(index, findings, "G0", writeEdges(index));
    report(index, findings, "G1c", readEdges(index));
  },
};

/** ww edges: consecutive positions of a version order whose values different operations sent there. */
export function writeEdges(index: HistoryIndex): Edges {
  const edges = new Edges();
  const { names, values } = index;
  for (const log of index.logs) {
    if (log === undefined) continue;
    const order = log.versionOrder();
    // Each position's writer is looked up once, as the later end of one pair and the earlier of the next.
    let earlier = order.length > 0 ? order.valueAt(0) : NaN;
    let from = index.writerOf(earlier);
    let fromCovers = from >= 0 && names.covers(index.writerTargetOf(earlier), log.partition);
    for (let i = 1; i < order.length; i++) {
      const later = order.valueAt(i);
      const to = index.writerOf(later);
      const toCovers = to >= 0 && names.covers(index.writerTargetOf(later), log.partition);
      // A value claimed at one place only is, at its own position, where by-value finds it.
      const placed = !values.irregular(later) || order.indexOf(later) === i;
      if (placed && fromCovers && toCovers && from !== to) edges.add(from, to, log.partition, earlier, later);
      earlier = later;
      from = to;
      fromCovers = toCovers;
    }
  }
  return edges;
}

function readEdges(index: HistoryIndex): Edges {
  const edges = new Edges();
  const { ops } = index;
  const lastReader = new Int32Array(ops.length).fill(-1);
  const reads = index.reads;
  // Only operations that both read and write can lie on a cycle of wr edges.
  const readsAndWrites = (row: number) => ops.readFrom[row] < ops.readTo[row] && ops.writeFrom[row] < ops.writeTo[row];
  for (let reader = 0; reader < ops.length; reader++) {
    if (!readsAndWrites(reader)) continue;
    for (let i = ops.readFrom[reader]; i < ops.readTo[reader]; i += 3) {
      const partition = reads.at(i);
      const value = reads.at(i + 2);
      const writer = index.writerOf(value);
      if (writer < 0 || writer === reader || lastReader[writer] === reader || !readsAndWrites(writer)) continue;
      if (!index.names.covers(index.writerTargetOf(value), partition)) continue;
      lastReader[writer] = reader;
      edges.add(writer, reader, partition, value, NaN);
    }
  }
  return edges;
}

function report(index: HistoryIndex, findings: Findings, type: AnomalyType, edges: Edges): void {
  if (edges.length === 0) return;
  const graph = graphOf(index.ops.length, edges.from, edges.to, edges.length);
  for (const component of stronglyConnectedComponents(graph)) {
    findings.report(type, () => {
      const steps: CycleStep[] = shortestCycle(graph, component).map((e) => ({
        from: index.ops.index[edges.from.at(e)],
        to: index.ops.index[edges.to.at(e)],
        relation: type === "G0" ? "ww" : "wr",
        partition: index.names.name(edges.partition.at(e)),
        value: edges.value.at(e),
        ...(type === "G0" && { next: edges.next.at(e) }),
      }));
      const told = steps.map((s) =>
        s.relation === "ww"
          ? `op ${s.from} sent ${s.value} to ${s.partition} right before op ${s.to} sent ${s.next}`
          : `op ${s.from} sent ${s.value} to ${s.partition}, which op ${s.to} polled`,
      );
      const explanation =
        type === "G0"
          ? `Write cycle: ${told.join("; ")}, so the transactions' writes interleave in contradictory orders.`
          : `Cycle of information flow: ${told.join("; ")}, so each transaction saw another's writes and none can have committed first.`;
      return { explanation, ops: evidence(...steps.map((s) => s.from)), steps, count: component.length };
    });
  }
}
