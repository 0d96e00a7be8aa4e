// What the history says one partition's log holds: every (offset, value) that a send or a poll
// claimed, and by whom. From it, once all claims are in, the version order.
import { IntMap } from "./int-map.ts";
import { NumberColumn } from "./number-column.ts";
import type { ValueTable } from "./value-table.ts";
import { VersionOrder } from "./version-order.ts";

/** A second (third, ...) value claimed at an offset that already holds another one. */
export interface ConflictingClaim {
  value: number;
  /** Event index of the first operation that claimed it. */
  op: number;
}

export class PartitionLog {
  private readonly slotOfOffset = new IntMap();
  /** Per slot, in order of first claim: its offset, the first value claimed there, and by whom. */
  readonly offsets = new NumberColumn(64);
  readonly values = new NumberColumn(64);
  readonly claimants = new NumberColumn(64);
  /** Slot to the other values claimed at its offset: inconsistent offsets, hopefully none. */
  readonly conflicts = new Map<number, ConflictingClaim[]>();
  /** Whether slots were created in offset order, which spares a sort. */
  claimedInOrder = true;
  private order: VersionOrder | undefined;

  constructor(
    readonly partition: number,
    private readonly table: ValueTable,
  ) {}

  claim(offset: number, value: number, op: number): void {
    const slot = this.slotOfOffset.get(offset);
    if (slot < 0) {
      const n = this.offsets.length;
      if (n > 0 && offset < this.offsets.at(n - 1)) this.claimedInOrder = false;
      this.slotOfOffset.set(offset, n);
      this.offsets.push(offset);
      this.values.push(value);
      this.claimants.push(op);
      this.table.claimed(value, this.partition, n);
      return;
    }
    if (this.values.at(slot) === value) return;
    const others = this.conflicts.get(slot);
    if (others?.some((other) => other.value === value)) return;
    if (others === undefined) this.conflicts.set(slot, [{ value, op }]);
    else others.push({ value, op });
    this.table.claimed(value, this.partition, slot);
  }

  /** The slot of `offset`, or -1 when nothing was claimed there. */
  slotAt(offset: number): number {
    return this.slotOfOffset.get(offset);
  }

  /** The version order, built once all claims are in. */
  versionOrder(): VersionOrder {
    this.order ??= new VersionOrder(this, this.table);
    return this.order;
  }
}
