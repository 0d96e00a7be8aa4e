// Time series of bounded size for the charts: fixed-width time buckets that merge pairwise when a
// run outlasts them, and a log-scale latency histogram per bucket, so a history of any length is
// summarised in one pass and a few kilobytes.

/** Buckets of equal width from time 0; when a time falls past the last allowed bucket, widths double. */
export class TimeBuckets<T> {
  readonly buckets: T[] = [];

  constructor(
    private readonly make: () => T,
    private readonly merge: (into: T, from: T) => void,
    public widthNs: number,
    private readonly maxBuckets: number,
  ) {}

  at(timeNs: number): T {
    const time = Math.max(0, timeNs);
    while (Math.floor(time / this.widthNs) >= this.maxBuckets) this.coarsen();
    const i = Math.floor(time / this.widthNs);
    while (this.buckets.length <= i) this.buckets.push(this.make());
    return this.buckets[i];
  }

  private coarsen(): void {
    const merged: T[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const pair = this.buckets[i];
      if (i + 1 < this.buckets.length) this.merge(pair, this.buckets[i + 1]);
      merged.push(pair);
    }
    this.buckets.splice(0, this.buckets.length, ...merged);
    this.widthNs *= 2;
  }
}

export interface OutcomeCounts {
  ok: number;
  fail: number;
  info: number;
}

export const outcomeCounts = (): OutcomeCounts => ({ ok: 0, fail: 0, info: 0 });

export function mergeOutcomeCounts(into: OutcomeCounts, from: OutcomeCounts): void {
  into.ok += from.ok;
  into.fail += from.fail;
  into.info += from.info;
}

const BINS_PER_DECADE = 16;
/** From 1 µs to 1000 s; faster and slower latencies land in the first and last bin. */
const MIN_LOG = 3;
const MAX_LOG = 12;
const BINS = (MAX_LOG - MIN_LOG) * BINS_PER_DECADE;

/** Latencies in log-spaced bins (16 per decade): quantiles within ±8 %, mergeable, fixed size. */
export class LatencyHistogram {
  readonly bins = new Uint32Array(BINS);
  count = 0;
  maxNs = 0;

  add(ns: number): void {
    const log = Math.log10(Math.max(ns, 1));
    const bin = Math.min(BINS - 1, Math.max(0, Math.floor((log - MIN_LOG) * BINS_PER_DECADE)));
    this.bins[bin]++;
    this.count++;
    if (ns > this.maxNs) this.maxNs = ns;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BINS; i++) this.bins[i] += other.bins[i];
    this.count += other.count;
    this.maxNs = Math.max(this.maxNs, other.maxNs);
  }

  /** The q-quantile (0..1) at its bin's geometric centre; undefined when empty. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += this.bins[i];
      if (seen >= rank) return Math.min(this.maxNs, 10 ** (MIN_LOG + (i + 0.5) / BINS_PER_DECADE));
    }
    return this.maxNs;
  }
}
