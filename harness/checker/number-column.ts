// A growable list of numbers kept in Float64Arrays: off the garbage-collected heap, so the large
// per-record lists of the index (claims, writers, micro-operations) cost the collector nothing to
// trace. Past its first chunk it grows by whole chunks instead of doubling: nothing is copied, and
// the index allocates only what it keeps. Off-heap memory counts towards the collector's limits,
// so a doubling list of a million records (three times its size in buffers over its life) would
// bring on full collections of everything else the process holds.

const SHIFT = 15;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

export class NumberColumn {
  /** Chunk k holds entries k·CHUNK ..; the first one doubles up to CHUNK before others are added. */
  private readonly chunks: Float64Array[];
  private capacity: number;
  private used = 0;

  constructor(capacity = 1024) {
    this.capacity = Math.min(Math.max(1, capacity), CHUNK);
    this.chunks = [new Float64Array(this.capacity)];
  }

  get length(): number {
    return this.used;
  }

  at(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, value: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = value;
  }

  push(value: number): void {
    const i = this.used;
    if (i === this.capacity) this.grow();
    this.chunks[i >>> SHIFT][i & MASK] = value;
    this.used = i + 1;
  }

  /** Appends a (partition, offset, value) triple, the shape of every micro-operation. */
  pushTriple(a: number, b: number, c: number): void {
    this.push(a);
    this.push(b);
    this.push(c);
  }

  private grow(): void {
    if (this.capacity < CHUNK) {
      const first = new Float64Array(Math.min(this.capacity * 2, CHUNK));
      first.set(this.chunks[0]);
      this.chunks[0] = first;
      this.capacity = first.length;
    } else {
      this.chunks.push(new Float64Array(CHUNK));
      this.capacity += CHUNK;
    }
  }
}
