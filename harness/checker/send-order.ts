// nonmonotonic-send (Jepsen): a process's later send to a partition must land after its earlier
// one. Like Jepsen, assign/subscribe keep only covered partitions and an indeterminate operation
// retires the process; a crash does too.
import { evidence, plural, type Analysis } from "./analysis.ts";
import { LastSeen } from "./last-seen.ts";
import { OpPartitions } from "./op-partitions.ts";
import { isMembership, isMicroOps, Kind, Outcome } from "./op-table.ts";

export const sendOrder: Analysis = {
  name: "send-order",
  run(index, findings) {
    const { names, ops } = index;
    const last = new LastSeen();
    const current = new OpPartitions();
    const writes = index.writes.data;
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
        for (let i = from; i < to; i += 3) current.push(writes[i], writes[i + 2]);
        for (let s = 0; s < current.count; s++) {
          const target = current.partitions[s];
          const first = current.first[s];
          const previous = last.get(process, target);
          const order = index.logs[target]?.versionOrder();
          if (previous !== undefined && order !== undefined) {
            const delta = order.distance(previous.value, first);
            if (delta < 1) {
              const name = names.name(target);
              findings.report("nonmonotonic-send", () => ({
                explanation:
                  delta === 0
                    ? `Process ${process} sent ${previous.value} to ${name} (op ${previous.op}) and later ${first} (op ${op}), yet both sit at the same position of the log.`
                    : `Process ${process} sent ${previous.value} to ${name} (op ${previous.op}) and later ${first} (op ${op}), yet ${first} landed ${plural(-delta, "position")} before ${previous.value}.`,
                ops: evidence(previous.op, op),
                partition: name,
                process,
                values: [previous.value, first],
                delta,
              }));
            }
          }
          last.set(process, target, op, current.last[s]);
        }
      }
      if (outcome === Outcome.info) last.forgetProcess(process);
    }
  },
};
