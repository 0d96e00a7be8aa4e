// Which leader epoch started at which offset (Kafka's LeaderEpochFileCache): followers ask the
// leader for the end offset of their last epoch (OffsetForLeaderEpoch) to find where their log
// diverges. Pure bookkeeping; every change is handed to `persist` (the checkpoint file).

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

export class LeaderEpochCache {
  private epochs: EpochEntry[];

  constructor(
    entries: readonly EpochEntry[],
    private readonly persist: (entries: readonly EpochEntry[]) => void,
  ) {
    this.epochs = [];
    for (const entry of entries) this.insert(entry);
  }

  entries(): readonly EpochEntry[] {
    return this.epochs;
  }

  latestEntry(): EpochEntry | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  earliestEntry(): EpochEntry | undefined {
    return this.epochs[0];
  }

  /**
   * Records that `epoch` starts at `startOffset`. Entries that would break monotonicity (an epoch
   * at or above it, or a start at or after it) are removed first. Returns whether anything changed.
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || startOffset < 0) throw new RangeError(`invalid leader epoch entry: epoch ${epoch}, start offset ${startOffset}`);
    if (!this.insert({ epoch, startOffset })) return false;
    this.persist(this.epochs);
    return true;
  }

  /**
   * The end offset of `requestedEpoch`: the start of the next higher epoch, or the log end offset
   * when it is the latest; with the largest known epoch <= requestedEpoch. As Kafka's endOffsetFor.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const undefinedResult = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedResult;
    const latest = this.latestEntry();
    if (latest && latest.epoch === requestedEpoch) return { epoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.epochs.find((e) => e.epoch > requestedEpoch);
    if (!higher) return undefinedResult;
    const floor = this.epochs.filter((e) => e.epoch <= requestedEpoch).pop();
    // Below every known epoch: the data is gone, so answer with the first known epoch's start.
    if (!floor) return { epoch: requestedEpoch, endOffset: higher.startOffset };
    return { epoch: floor.epoch, endOffset: higher.startOffset };
  }

  /** The epoch of the batch holding `offset`, when known. */
  epochForOffset(offset: number): number | undefined {
    let previous: number | undefined;
    for (const entry of this.epochs) {
      if (entry.startOffset === offset) return entry.epoch;
      if (entry.startOffset > offset) return previous;
      previous = entry.epoch;
    }
    return previous;
  }

  /** Removes entries starting at or after endOffset (after the log was truncated to it). */
  truncateFromEnd(endOffset: number): void {
    const latest = this.latestEntry();
    if (endOffset < 0 || !latest || latest.startOffset < endOffset) return;
    this.epochs = this.epochs.filter((e) => e.startOffset < endOffset);
    this.persist(this.epochs);
  }

  /**
   * Forgets entries below a new log start offset; the last of them is kept, moved up to start at
   * startOffset (Kafka: an entry at exactly startOffset is kept as well).
   */
  truncateFromStart(startOffset: number): void {
    const removed = this.epochs.filter((e) => e.startOffset <= startOffset);
    if (removed.length === 0 || (removed.length === 1 && removed[0].startOffset === startOffset)) return;
    const moved = { epoch: removed[removed.length - 1].epoch, startOffset };
    this.epochs = [moved, ...this.epochs.filter((e) => e.startOffset > startOffset)];
    this.persist(this.epochs);
  }

  clear(): void {
    if (this.epochs.length === 0) return;
    this.epochs = [];
    this.persist(this.epochs);
  }

  private insert(entry: EpochEntry): boolean {
    const latest = this.latestEntry();
    if (latest && latest.epoch === entry.epoch && entry.startOffset >= latest.startOffset) return false;
    while (this.epochs.length > 0) {
      const last = this.epochs[this.epochs.length - 1];
      if (last.epoch >= entry.epoch || last.startOffset >= entry.startOffset) this.epochs.pop();
      else break;
    }
    this.epochs.push(entry);
    return true;
  }
}

/** Kafka's leader-epoch-checkpoint text: version 0, the entry count, then "epoch startOffset" lines. */
export function formatEpochCheckpoint(entries: readonly EpochEntry[]): string {
  return `0\n${entries.length}\n${entries.map((e) => `${e.epoch} ${e.startOffset}\n`).join("")}`;
}

/** Parses a checkpoint; undefined when it is not one (the cache then starts empty and recovery refills it). */
export function parseEpochCheckpoint(text: string): EpochEntry[] | undefined {
  const lines = text.split("\n").filter((l) => l.length > 0);
  if (lines[0] !== "0") return undefined;
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || lines.length !== count + 2) return undefined;
  const entries: EpochEntry[] = [];
  for (const line of lines.slice(2)) {
    const match = /^(\d+) (\d+)$/.exec(line);
    if (!match) return undefined;
    entries.push({ epoch: Number(match[1]), startOffset: Number(match[2]) });
  }
  return entries;
}
