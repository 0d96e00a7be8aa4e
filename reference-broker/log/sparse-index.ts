// A segment's sparse index: sorted (key, value) pairs searched for the last entry at or below a key.
// The offset index maps batch base offsets to file positions; the time index maps the segment's
// running maximum timestamp to the base offset of the batch that first reached it. In memory as typed
// arrays; on disk as big-endian int64 pairs, written whole when the segment rolls or the log closes.

const ENTRY_SIZE = 16;

export class SparseIndex {
  private keys: Float64Array;
  private values: Float64Array;
  private count = 0;

  constructor(
    /** Entries at which the index counts as full (from segment.index.bytes), so the segment rolls. */
    readonly maxEntries: number,
  ) {
    this.keys = new Float64Array(16);
    this.values = new Float64Array(16);
  }

  get entries(): number {
    return this.count;
  }

  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }

  lastKey(): number | undefined {
    return this.count > 0 ? this.keys[this.count - 1] : undefined;
  }

  lastValue(): number | undefined {
    return this.count > 0 ? this.values[this.count - 1] : undefined;
  }

  /** Appends an entry; the caller keeps keys strictly increasing. */
  append(key: number, value: number): void {
    if (this.count === this.keys.length) {
      const keys = new Float64Array(this.count * 2);
      const values = new Float64Array(this.count * 2);
      keys.set(this.keys);
      values.set(this.values);
      this.keys = keys;
      this.values = values;
    }
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.count++;
  }

  /** The value of the last entry whose key is <= key, or undefined when there is none. */
  floorValue(key: number): number | undefined {
    let low = 0;
    let high = this.count - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.keys[mid] <= key) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? undefined : this.values[found];
  }

  /** Drops every entry from the first one for which keep() is false onwards. */
  truncateWhere(keep: (key: number, value: number) => boolean): void {
    let n = 0;
    while (n < this.count && keep(this.keys[n], this.values[n])) n++;
    this.count = n;
  }

  clear(): void {
    this.count = 0;
  }

  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.count * ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      out.writeBigInt64BE(BigInt(this.keys[i]), i * ENTRY_SIZE);
      out.writeBigInt64BE(BigInt(this.values[i]), i * ENTRY_SIZE + 8);
    }
    return out;
  }

  /**
   * Reads an index file back; undefined when it is damaged: a partial entry, keys not strictly
   * increasing, values decreasing, or an entry valid() rejects. The caller then rebuilds the index.
   */
  static deserialize(data: Buffer, maxEntries: number, valid: (key: number, value: number) => boolean): SparseIndex | undefined {
    if (data.length % ENTRY_SIZE !== 0) return undefined;
    const index = new SparseIndex(maxEntries);
    for (let pos = 0; pos < data.length; pos += ENTRY_SIZE) {
      const key = Number(data.readBigInt64BE(pos));
      const value = Number(data.readBigInt64BE(pos + 8));
      const lastKey = index.lastKey();
      const lastValue = index.lastValue();
      if (lastKey !== undefined && lastValue !== undefined && (key <= lastKey || value < lastValue)) return undefined;
      if (!valid(key, value)) return undefined;
      index.append(key, value);
    }
    return index;
  }
}
