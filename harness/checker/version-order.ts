// A partition's version order as Jepsen defines it: the claimed offsets in ascending order,
// renumbered densely (gaps left by transaction markers and aborted records are not skips), each
// position standing for the first value claimed there.
import type { PartitionLog } from "./partition-log.ts";
import type { ValueTable } from "./value-table.ts";

/** What most positions hold besides their representative value, shared rather than made per call. */
const NONE: readonly { value: number }[] = Object.freeze([]);

export class VersionOrder {
  /** Dense position to slot of the log, in offset order, and back. */
  private readonly slots: Int32Array;
  private readonly positionOfSlot: Int32Array;

  constructor(
    private readonly log: PartitionLog,
    private readonly table: ValueTable,
  ) {
    const n = log.offsets.length;
    const slots = new Int32Array(n);
    for (let i = 0; i < n; i++) slots[i] = i;
    if (!log.claimedInOrder) {
      const offsets = log.offsets;
      slots.sort((a, b) => offsets.at(a) - offsets.at(b));
    }
    this.slots = slots;
    this.positionOfSlot = new Int32Array(n);
    for (let i = 0; i < n; i++) this.positionOfSlot[slots[i]] = i;
  }

  get length(): number {
    return this.slots.length;
  }

  offsetAt(index: number): number {
    return this.log.offsets.at(this.slots[index]);
  }

  /** The position of a slot of the log. */
  positionAtSlot(slot: number): number {
    return this.positionOfSlot[slot];
  }

  /** The representative (first claimed) value at a position. */
  valueAt(index: number): number {
    return this.log.values.at(this.slots[index]);
  }

  /** Values claimed at a position other than the representative one. */
  othersAt(index: number): readonly { value: number }[] {
    if (this.log.conflicts.size === 0) return NONE;
    return this.log.conflicts.get(this.slots[index]) ?? NONE;
  }

  /** Jepsen's by-value: the last position where `value` is the representative one. */
  indexOf(value: number): number | undefined {
    const { table, log } = this;
    if (!table.irregular(value)) {
      const slot = table.slotIn(log.partition, value);
      return slot >= 0 && log.values.at(slot) === value ? this.positionOfSlot[slot] : undefined;
    }
    let last = -1;
    for (const slot of table.slotsIn(log.partition, value)) {
      if (log.values.at(slot) === value) last = Math.max(last, this.positionOfSlot[slot]);
    }
    return last >= 0 ? last : undefined;
  }

  /** The earliest position holding `value` in any claim. */
  firstIndexOf(value: number): number | undefined {
    if (!this.table.irregular(value)) return this.onlyPositionOf(value);
    const positions = this.positionsOf(value);
    return positions.length > 0 ? Math.min(...positions) : undefined;
  }

  /** The latest position holding `value` in any claim. */
  lastIndexOf(value: number): number | undefined {
    if (!this.table.irregular(value)) return this.onlyPositionOf(value);
    const positions = this.positionsOf(value);
    return positions.length > 0 ? Math.max(...positions) : undefined;
  }

  /** The position of a value claimed at one place only (the common case), without a list. */
  private onlyPositionOf(value: number): number | undefined {
    const slot = this.table.slotIn(this.log.partition, value);
    return slot >= 0 ? this.positionOfSlot[slot] : undefined;
  }

  private positionsOf(value: number): number[] {
    return this.table.slotsIn(this.log.partition, value).map((slot) => this.positionOfSlot[slot]);
  }

  /** Values found at more than one position, with those positions in order. */
  *duplicates(): Generator<[value: number, positions: readonly number[]]> {
    for (const value of this.table.irregularValues()) {
      const positions = this.positionsOf(value);
      if (positions.length > 1) yield [value, positions.sort((a, b) => a - b)];
    }
  }

  /** Jepsen's delta: positions from one value to another (1 = adjacent), 1 when either is unplaced. */
  distance(from: number, to: number): number {
    const i = this.indexOf(from);
    const j = this.indexOf(to);
    return i === undefined || j === undefined ? 1 : j - i;
  }

  /** Up to `limit` representative values strictly between the positions of two values. */
  between(from: number, to: number, limit: number): number[] {
    const values: number[] = [];
    const end = this.indexOf(to) ?? -1;
    for (let i = (this.indexOf(from) ?? end) + 1; i < end && values.length < limit; i++) values.push(this.valueAt(i));
    return values;
  }

  /** Event index of the first operation that claimed `value` at a position. */
  claimantAt(index: number, value: number): number {
    const slot = this.slots[index];
    if (this.log.values.at(slot) === value) return this.log.claimants.at(slot);
    return this.log.conflicts.get(slot)?.find((other) => other.value === value)?.op ?? -1;
  }
}
