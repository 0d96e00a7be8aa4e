// lost-write (Jepsen): a send that must have been committed is missing from every poll, although
// some poll read past it. The bound is the furthest position any ok poll reached in a partition:
// every committed value whose last position is at or below it should have been read.
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import type { HistoryIndex } from "./history-index.ts";
import { Outcome } from "./op-table.ts";
import type { PartitionLog } from "./partition-log.ts";

export const lostWrite: Analysis = {
  name: "lost-write",
  run(index, findings) {
    for (const log of index.logs) if (log !== undefined) lostIn(log, index, findings);
  },
};

function lostIn(log: PartitionLog, index: HistoryIndex, findings: Findings): void {
  const { names, values } = index;
  const partition = log.partition;
  const order = log.versionOrder();
  // Jepsen's bound: the latest first position of any value an ok poll returned here.
  let bound = -1;
  let boundValue = NaN;
  let boundReader = -1;
  const reach = (value: number, position: number): void => {
    if (order.firstIndexOf(value) !== position) return;
    const reader = values.okReaderIn(partition, value);
    if (reader < 0) return;
    bound = position;
    boundValue = value;
    boundReader = reader;
  };
  for (let i = 0; i < order.length; i++) {
    reach(order.valueAt(i), i);
    for (const other of order.othersAt(i)) reach(other.value, i);
  }
  const check = (value: number, position: number): void => {
    if (order.lastIndexOf(value) !== position || values.okReaderIn(partition, value) >= 0) return;
    const writer = index.writerOf(value);
    // A value without a compatible writer is a phantom read, not a lost write.
    if (writer < 0 || !names.covers(index.writerTargetOf(value), partition) || !index.committed(writer)) return;
    findings.report("lost-write", () => {
      const name = names.name(partition);
      const sent = index.ops.index[writer];
      const offset = order.offsetAt(order.firstIndexOf(value) ?? position);
      const how = index.ops.outcome[writer] === Outcome.ok ? "and it was acknowledged" : "(indeterminate, but another of its sends was read)";
      return {
        explanation: `Op ${sent} sent ${value} to ${name} ${how} at offset ${offset}, but no poll ever returned it, although op ${boundReader} polled ${boundValue} at offset ${order.offsetAt(bound)}, further along the log.`,
        ops: evidence(sent, boundReader),
        partition: name,
        value,
        offset,
      };
    });
  };
  for (let i = 0; i <= bound; i++) {
    check(order.valueAt(i), i);
    for (const other of order.othersAt(i)) check(other.value, i);
  }
}
