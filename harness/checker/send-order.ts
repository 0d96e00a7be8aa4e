// nonmonotonic-send (Jepsen): a process's later send to a partition must land after its earlier
// one. Like Jepsen, assign/subscribe keep only covered partitions and an indeterminate operation
// retires the process; a crash does too.
import { evidence, plural, type Analysis, type Findings } from "./analysis.ts";
import { LastSeen } from "./last-seen.ts";
import { OpPartitions } from "./op-partitions.ts";
import { isMembership, isMicroOps, Kind, Outcome } from "./op-table.ts";

export const sendOrder: Analysis = {
  name: "send-order",
  run(index, findings) {
    const { names, ops } = index;
    const last = new LastSeen(names.size);
    const current = new OpPartitions();
    const writes = index.writes;
    for (let row = 0; row < ops.length; row++) {
      const process = ops.process[row];
      const kind = ops.kind[row];
      const outcome = ops.outcome[row];
      if (process < 0 || outcome === Outcome.fail) continue;
      if (kind === Kind.crash) last.forgetProcess(process);
      if (isMembership(kind)) last.keepCovered(process, ops.extrasOf(row).targets ?? [], names);
      const from = ops.writeFrom[row];
      const to = ops.writeTo[row];
      if (isMicroOps(kind) && to > from) {
        const op = ops.index[row];
        current.begin();
        for (let i = from; i < to; i += 3) current.push(writes.at(i), writes.at(i + 2));
        for (let s = 0; s < current.count; s++) {
          const target = current.partitions[s];
          const first = current.first[s];
          const seen = last.at(process, target);
          const order = index.logs[target]?.versionOrder();
          if (seen >= 0 && order !== undefined) {
            const delta = order.distance(last.valueAt(seen), first);
            if (delta < 1) reportInversion(findings, names.name(target), process, last.opAt(seen), last.valueAt(seen), first, op, delta);
          }
          last.set(process, target, op, current.last[s]);
        }
      }
      if (outcome === Outcome.info) last.forgetProcess(process);
    }
  },
};

/** Kept out of the loop, which then allocates nothing. */
function reportInversion(findings: Findings, name: string, process: number, previousOp: number, previous: number, first: number, op: number, delta: number): void {
  findings.report("nonmonotonic-send", () => ({
    explanation:
      delta === 0
        ? `Process ${process} sent ${previous} to ${name} (op ${previousOp}) and later ${first} (op ${op}), yet both sit at the same position of the log.`
        : `Process ${process} sent ${previous} to ${name} (op ${previousOp}) and later ${first} (op ${op}), yet ${first} landed ${plural(-delta, "position")} before ${previous}.`,
    ops: evidence(previousOp, op),
    partition: name,
    process,
    values: [previous, first],
    delta,
  }));
}
