// int-poll-skip and int-nonmonotonic-poll (Jepsen): within one operation, consecutive records
// polled from a partition must be adjacent in its version order. A rebalance reported by the
// operation excuses the partitions it moved, as Jepsen's rebalance log does.
import { evidence, plural, type Analysis, type Findings } from "./analysis.ts";
import type { Names } from "./names.ts";
import { OpPartitions } from "./op-partitions.ts";
import type { RebalanceFact } from "./op-table.ts";
import { reportOrderGap } from "./order-gap.ts";
import type { VersionOrder } from "./version-order.ts";


export const internalPollOrder: Analysis = {
  name: "internal-poll-order",
  run(index, findings) {
    const { names, ops } = index;
    const current = new OpPartitions();
    const reads = index.reads;
    const positions = index.readPositions();
    for (let row = 0; row < ops.length; row++) {
      const from = ops.readFrom[row];
      const to = ops.readTo[row];
      if (to - from < 6) continue;
      const rebalance = ops.extrasOf(row).rebalance;
      current.begin();
      // Records are grouped by the partition they came from, keyed by their number in `reads`.
      for (let i = from; i < to; i += 3) {
        const partition = reads.at(i);
        const record = i / 3;
        const previous = current.push(partition, record);
        if (Number.isNaN(previous) || (rebalance && rebalanced(rebalance, partition, names))) continue;
        const position = positions[record];
        const previousPosition = positions[previous];
        const delta = position < 0 || previousPosition < 0 ? 1 : position - previousPosition;
        if (delta !== 1) {
          const order = index.log(partition).versionOrder();
          reportGap(findings, names.name(partition), order, ops.index[row], reads.at(previous * 3 + 2), reads.at(i + 2), delta);
        }
      }
    }
  },
};

function rebalanced(rebalance: readonly RebalanceFact[], partition: number, names: Names): boolean {
  for (const fact of rebalance) for (const target of fact.partitions) if (names.covers(target, partition)) return true;
  return false;
}

/** Kept out of the loop over records, which then allocates nothing. */
function reportGap(findings: Findings, name: string, order: VersionOrder, op: number, previous: number, value: number, delta: number): void {
  reportOrderGap(findings, order, { skip: "int-poll-skip", backwards: "int-nonmonotonic-poll", partition: name, previous, value, delta, ops: evidence(op) }, {
    skipped: (records) => `Op ${op} polled ${previous} and then ${value} from ${name}, skipping ${plural(delta - 1, "record")} between them (${records}).`,
    repeated: () => `Op ${op} polled ${value} from ${name} twice in a row.`,
    backwards: () => `Op ${op} polled ${previous} and then ${value} from ${name}, but ${value} is ${plural(-delta, "position")} before ${previous} in the log.`,
  });
}
