// lost-write (Jepsen): a send that must have been committed is missing from every poll, although
// some poll read past it. The bound is the furthest position any ok poll reached in a partition:
// every committed value whose last position is at or below it should have been read.
import { evidence, type Analysis, type Findings } from "./analysis.ts";
import type { HistoryIndex } from "./history-index.ts";
import { Outcome } from "./op-table.ts";
import type { PartitionLog } from "./partition-log.ts";
import type { VersionOrder } from "./version-order.ts";

export const lostWrite: Analysis = {
  name: "lost-write",
  run(index, findings) {
    for (const log of index.logs) if (log !== undefined) lostIn(log, index, findings);
  },
};

/** Jepsen's bound: the latest first position of any value an ok poll returned here. */
interface Bound {
  position: number;
  value: number;
  /** Event index of the ok poll that returned it. */
  reader: number;
}

function lostIn(log: PartitionLog, index: HistoryIndex, findings: Findings): void {
  const order = log.versionOrder();
  const bound = furthestRead(log.partition, order, index);
  if (bound === undefined) return;
  for (let i = 0; i <= bound.position; i++) {
    const value = order.valueAt(i);
    if (lost(log.partition, order, index, value, i)) reportLost(findings, index, log.partition, order, value, i, bound);
    const others = order.othersAt(i);
    for (let o = 0; o < others.length; o++) {
      if (lost(log.partition, order, index, others[o].value, i)) reportLost(findings, index, log.partition, order, others[o].value, i, bound);
    }
  }
}

function furthestRead(partition: number, order: VersionOrder, index: HistoryIndex): Bound | undefined {
  let position = -1;
  let value = NaN;
  let reader = -1;
  for (let i = 0; i < order.length; i++) {
    const here = order.valueAt(i);
    const read = firstReadAt(partition, order, index, here, i);
    if (read >= 0) {
      position = i;
      value = here;
      reader = read;
    }
    // Indexed, not for-of: this runs for every position, and an iterator each time is garbage.
    const others = order.othersAt(i);
    for (let o = 0; o < others.length; o++) {
      const otherRead = firstReadAt(partition, order, index, others[o].value, i);
      if (otherRead >= 0) {
        position = i;
        value = others[o].value;
        reader = otherRead;
      }
    }
  }
  return position < 0 ? undefined : { position, value, reader };
}

/** The ok poll that returned `value`, when `position` is the value's first one; else -1. */
function firstReadAt(partition: number, order: VersionOrder, index: HistoryIndex, value: number, position: number): number {
  return order.firstIndexOf(value) === position ? index.values.okReaderIn(partition, value) : -1;
}

/** Whether `value`, last seen at `position`, was committed by a compatible writer and never read. */
function lost(partition: number, order: VersionOrder, index: HistoryIndex, value: number, position: number): boolean {
  if (order.lastIndexOf(value) !== position || index.values.okReaderIn(partition, value) >= 0) return false;
  const writer = index.writerOf(value);
  // A value without a compatible writer is a phantom read, not a lost write.
  return writer >= 0 && index.names.covers(index.writerTargetOf(value), partition) && index.committed(writer);
}

function reportLost(findings: Findings, index: HistoryIndex, partition: number, order: VersionOrder, value: number, position: number, bound: Bound): void {
  findings.report("lost-write", () => {
    const writer = index.writerOf(value);
    const name = index.names.name(partition);
    const sent = index.ops.index[writer];
    const offset = order.offsetAt(order.firstIndexOf(value) ?? position);
    const how = index.ops.outcome[writer] === Outcome.ok ? "and it was acknowledged" : "(indeterminate, but another of its sends was read)";
    return {
      explanation: `Op ${sent} sent ${value} to ${name} ${how} at offset ${offset}, but no poll ever returned it, although op ${bound.reader} polled ${bound.value} at offset ${order.offsetAt(bound.position)}, further along the log.`,
      ops: evidence(sent, bound.reader),
      partition: name,
      value,
      offset,
    };
  });
}
