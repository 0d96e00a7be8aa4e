// Each polled record's position in its partition's version order (Jepsen's by-value), looked up
// once for the analyses that compare consecutive records (poll-order, internal-poll-order).
import type { HistoryIndex } from "./history-index.ts";
import type { PartitionLog } from "./partition-log.ts";
import type { VersionOrder } from "./version-order.ts";

/** Per record of `index.reads` (triple i at i / 3): its position, or -1 where the value has none. */
export function positionsOfReads(index: HistoryIndex): Int32Array {
  const { reads, values } = index;
  const positions = new Int32Array(reads.length / 3);
  let partition = -1;
  let log = undefined as unknown as PartitionLog;
  let order = undefined as unknown as VersionOrder;
  for (let r = 0, i = 0; i < reads.length; r++, i += 3) {
    // Polls return each partition's records together: the previous record's log is usually this one's.
    if (reads.at(i) !== partition) {
      partition = reads.at(i);
      log = index.log(partition);
      order = log.versionOrder();
    }
    const offset = reads.at(i + 1);
    const value = reads.at(i + 2);
    // The record's own offset leads straight to its slot; a value claimed once, and first at
    // that slot, is there and nowhere else. Anything odder takes the general lookup.
    const slot = Number.isNaN(offset) ? -1 : log.slotAt(offset);
    if (slot >= 0 && log.values.at(slot) === value && !values.irregular(value)) positions[r] = order.positionAtSlot(slot);
    else positions[r] = order.indexOf(value) ?? -1;
  }
  return positions;
}
