// Groups one operation's micro-operations by partition without allocating per operation: the
// analyses that compare consecutive records of a partition within an operation share this.

export class OpPartitions {
  private stamp = new Int32Array(64);
  private slotOf = new Int32Array(64);
  private epoch = 0;
  /** Number of partitions the current operation touched. */
  count = 0;
  /** Per partition of the current operation, in first-touch order: its id, first and latest value. */
  readonly partitions: number[] = [];
  readonly first: number[] = [];
  readonly last: number[] = [];

  /** Starts a new operation. */
  begin(): void {
    this.epoch++;
    this.count = 0;
  }

  /** Records `value` for `partition`; returns the partition's previous value in this operation, or NaN. */
  push(partition: number, value: number): number {
    if (partition >= this.stamp.length) this.grow(partition);
    if (this.stamp[partition] === this.epoch) {
      const slot = this.slotOf[partition];
      const previous = this.last[slot];
      this.last[slot] = value;
      return previous;
    }
    const slot = this.count++;
    this.stamp[partition] = this.epoch;
    this.slotOf[partition] = slot;
    this.partitions[slot] = partition;
    this.first[slot] = value;
    this.last[slot] = value;
    return NaN;
  }

  private grow(partition: number): void {
    const size = Math.max(partition + 1, this.stamp.length * 2);
    const stamp = new Int32Array(size);
    stamp.set(this.stamp);
    const slotOf = new Int32Array(size);
    slotOf.set(this.slotOf);
    this.stamp = stamp;
    this.slotOf = slotOf;
  }
}
