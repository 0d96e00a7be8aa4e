// A growable list of numbers kept in a Float64Array: off the garbage-collected heap, so the large
// per-record lists of the index (claims, writers, micro-operations) cost the collector nothing to
// trace and leave no large arrays behind when they grow.

export class NumberColumn {
  private buffer: Float64Array;
  private used = 0;

  constructor(capacity = 16384) {
    this.buffer = new Float64Array(capacity);
  }

  get length(): number {
    return this.used;
  }

  /** The numbers so far, for tight loops; valid until the next push. */
  get data(): Float64Array {
    return this.buffer;
  }

  at(i: number): number {
    return this.buffer[i];
  }

  set(i: number, value: number): void {
    this.buffer[i] = value;
  }

  push(value: number): void {
    if (this.used === this.buffer.length) this.grow();
    this.buffer[this.used++] = value;
  }

  /** Appends a (partition, offset, value) triple, the shape of every micro-operation. */
  pushTriple(a: number, b: number, c: number): void {
    if (this.used + 3 > this.buffer.length) this.grow();
    const buffer = this.buffer;
    buffer[this.used] = a;
    buffer[this.used + 1] = b;
    buffer[this.used + 2] = c;
    this.used += 3;
  }

  private grow(): void {
    const bigger = new Float64Array(this.buffer.length * 2);
    bigger.set(this.buffer);
    this.buffer = bigger;
  }
}
