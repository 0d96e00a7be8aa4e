// What the history says about each record value, indexed by the value itself (values are unique
// per run, and mostly small dense integers): where logs hold it, and which ok poll returned it
// first in each partition. A value normally sits at one offset of one partition and is read there;
// everything else (duplicates, inconsistent offsets, reads elsewhere) is kept aside, rarely used.
import { IntMap } from "./int-map.ts";
import { NumberColumn } from "./number-column.ts";

export class ValueTable {
  private readonly firstClaim = new IntMap();
  private readonly claimPartition = new NumberColumn();
  private readonly claimSlot = new NumberColumn();
  /** Value to its further claims (ids), when it was claimed at more than one place. */
  private readonly moreClaims = new Map<number, number[]>();
  private readonly firstOkRead = new IntMap();
  private readonly okReadPartition = new NumberColumn();
  private readonly okReadOp = new NumberColumn();
  /** Value to its further ok reads (ids), in partitions other than the first one. */
  private readonly moreOkReads = new Map<number, number[]>();

  /** Records that `value` was claimed at a slot; each (partition, slot, value) once. */
  claimed(value: number, partition: number, slot: number): void {
    const id = this.claimPartition.length;
    this.claimPartition.push(partition);
    this.claimSlot.push(slot);
    if (this.firstClaim.get(value) < 0) {
      this.firstClaim.set(value, id);
      return;
    }
    const more = this.moreClaims.get(value);
    if (more) more.push(id);
    else this.moreClaims.set(value, [id]);
  }

  /** Whether `value` was claimed at more than one place (a duplicate or a conflict). */
  irregular(value: number): boolean {
    return this.moreClaims.size > 0 && this.moreClaims.has(value);
  }

  /** The slot of `value`'s only claim when that claim is in `partition`, else -1 (see `irregular`). */
  slotIn(partition: number, value: number): number {
    const id = this.firstClaim.get(value);
    return id >= 0 && this.claimPartition.at(id) === partition ? this.claimSlot.at(id) : -1;
  }

  /** Slots of every claim of `value` in `partition`. */
  slotsIn(partition: number, value: number): number[] {
    const slots: number[] = [];
    const first = this.firstClaim.get(value);
    if (first < 0) return slots;
    for (const id of [first, ...(this.moreClaims.get(value) ?? [])]) {
      if (this.claimPartition.at(id) === partition) slots.push(this.claimSlot.at(id));
    }
    return slots;
  }

  /** Values claimed at more than one place. */
  irregularValues(): IterableIterator<number> {
    return this.moreClaims.keys();
  }

  /** Records an ok poll of `value` in `partition`; only the first per partition is kept. */
  polledOk(value: number, partition: number, op: number): void {
    const first = this.firstOkRead.get(value);
    if (first < 0) {
      this.firstOkRead.set(value, this.okReadOp.length);
    } else {
      if (this.okReadPartition.at(first) === partition) return;
      const more = this.moreOkReads.get(value);
      if (more?.some((id) => this.okReadPartition.at(id) === partition)) return;
      if (more) more.push(this.okReadOp.length);
      else this.moreOkReads.set(value, [this.okReadOp.length]);
    }
    this.okReadPartition.push(partition);
    this.okReadOp.push(op);
  }

  /** Event index of the first ok poll that returned `value` from `partition`, or -1. */
  okReaderIn(partition: number, value: number): number {
    const first = this.firstOkRead.get(value);
    if (first < 0) return -1;
    if (this.okReadPartition.at(first) === partition) return this.okReadOp.at(first);
    const more = this.moreOkReads.get(value);
    const id = more?.find((other) => this.okReadPartition.at(other) === partition);
    return id === undefined ? -1 : this.okReadOp.at(id);
  }
}
