// poll-skip and nonmonotonic-poll (Jepsen): a process's next poll of a partition must start right
// after the record its previous ok poll ended with. Jepsen's excuses: assign/subscribe keep only
// the partitions still covered; an indeterminate operation retires the process (Jepsen gives the
// worker a new process id). kconform adds: rebalance events, seek-to-beginning and crash forget
// the partitions they touch. (Under subscribe Jepsen allows both anomalies: see catalogue.ts.)
import { evidence, plural, type Analysis, type Findings } from "./analysis.ts";
import { LastSeen } from "./last-seen.ts";
import type { Names } from "./names.ts";
import { OpPartitions } from "./op-partitions.ts";
import { isMembership, isMicroOps, Kind, Outcome } from "./op-table.ts";
import { reportOrderGap } from "./order-gap.ts";
import type { VersionOrder } from "./version-order.ts";


export const pollOrder: Analysis = {
  name: "poll-order",
  run(index, findings) {
    const { names, ops } = index;
    const last = new LastSeen(names.size);
    const current = new OpPartitions();
    const reads = index.reads;
    const positions = index.readPositions();
    for (let row = 0; row < ops.length; row++) {
      const process = ops.process[row];
      if (process < 0) continue;
      const kind = ops.kind[row];
      const outcome = ops.outcome[row];
      const extras = ops.extrasOf(row);
      if (kind === Kind.crash) last.forgetProcess(process);
      if (isMembership(kind) && outcome !== Outcome.fail) {
        if (extras.seekToBeginning) last.forgetProcess(process);
        else last.keepCovered(process, extras.targets ?? [], names);
      }
      if (extras.rebalance) for (const fact of extras.rebalance) last.forgetCovered(process, fact.partitions, names);
      const from = ops.readFrom[row];
      const to = ops.readTo[row];
      if (isMicroOps(kind) && to > from) {
        const op = ops.index[row];
        current.begin();
        // Records go by their number in `reads` (here and in `last`): it leads to value and position.
        for (let i = from; i < to; i += 3) current.push(reads.at(i), i / 3);
        for (let s = 0; s < current.count; s++) {
          const partition = current.partitions[s];
          const first = current.first[s];
          const seen = last.at(process, partition);
          if (seen >= 0) {
            const previous = last.valueAt(seen);
            const delta = positions[previous] < 0 || positions[first] < 0 ? 1 : positions[first] - positions[previous];
            if (delta !== 1) {
              const order = index.log(partition).versionOrder();
              reportGap(findings, names, order, { process, partition, previousOp: last.opAt(seen), previous: reads.at(previous * 3 + 2), first: reads.at(first * 3 + 2), op, delta });
            }
          }
          if (outcome === Outcome.ok) last.set(process, partition, op, current.last[s]);
        }
      }
      if (outcome === Outcome.info) last.forgetProcess(process);
    }
  },
};

/** A poll that did not start right after the previous one: kept out of the loop, which then allocates nothing. */
interface Gap {
  process: number;
  partition: number;
  /** The previous poll's last record of the partition, and that poll's event index. */
  previous: number;
  previousOp: number;
  first: number;
  op: number;
  /** Positions from the previous poll's last record to this one's first (1 = adjacent). */
  delta: number;
}

function reportGap(findings: Findings, names: Names, order: VersionOrder, gap: Gap): void {
  const { process, previous, previousOp, first, op, delta } = gap;
  const name = names.name(gap.partition);
  const opening = `Process ${process} polled ${previous} from ${name} (op ${previousOp}), and its next poll of ${name} (op ${op})`;
  reportOrderGap(findings, order, { skip: "poll-skip", backwards: "nonmonotonic-poll", partition: name, process, previous, value: first, delta, ops: evidence(previousOp, op) }, {
    skipped: (records) => `${opening} started at ${first}, skipping ${plural(delta - 1, "record")} in between (${records}).`,
    repeated: () => `${opening} returned ${first} again, without a reassignment in between.`,
    backwards: () => `${opening} went back to ${first}, ${plural(-delta, "position")} before ${previous} in the log, without a reassignment in between.`,
  });
}
