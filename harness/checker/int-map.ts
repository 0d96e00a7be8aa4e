// A map from integer keys to non-negative integers. Offsets and record values in a history are
// mostly small dense integers, so they index a typed array (no hashing, nothing for the garbage
// collector to trace); other keys (negative, huge, fractional) fall back to a Map.

const ABSENT = -1;
/** Keys beyond this stay in the Map, so one odd key cannot make the array huge. */
const DENSE_LIMIT = 1 << 28;

export class IntMap {
  private dense = new Int32Array(0);
  private denseCount = 0;
  private sparse: Map<number, number> | undefined;

  /** The value for `key`, or -1. */
  get(key: number): number {
    const i = key | 0;
    if (i === key && i >= 0 && i < this.dense.length) return this.dense[i];
    return this.sparse === undefined ? ABSENT : (this.sparse.get(key) ?? ABSENT);
  }

  /** Sets `key` to `value` (a non-negative integer). */
  set(key: number, value: number): void {
    if (this.fitsDense(key)) {
      if (key >= this.dense.length) this.grow(key);
      if (this.dense[key] === ABSENT) this.denseCount++;
      this.dense[key] = value;
      return;
    }
    (this.sparse ??= new Map()).set(key, value);
  }

  private fitsDense(key: number): boolean {
    if ((key | 0) !== key || key < 0 || key >= DENSE_LIMIT) return false;
    // Grow only while the array stays within a few times the number of keys it holds.
    return key < this.dense.length || key < 4 * this.denseCount + 1024;
  }

  private grow(key: number): void {
    let length = Math.max(1024, this.dense.length);
    while (length <= key) length *= 2;
    const dense = new Int32Array(length).fill(ABSENT);
    dense.set(this.dense);
    this.dense = dense;
  }
}
