// The replicated metadata log of one node on disk: the latest snapshot plus the entries after it,
// as record batches in one file, each append fsync'd before it counts. Recovery cuts a torn or
// damaged tail; divergence truncates the tail; a snapshot deletes the prefix it covers (the file is
// rewritten, which is cheap for metadata). Entries are also kept in memory, for fetches and replay.
import { KconformError } from "../../../harness/errors.ts";
import type { Disk, DiskFile } from "../../io/disk.ts";
import { decodeEntries, encodeEntry } from "./entry-batches.ts";
import { loadLatestSnapshot, saveSnapshot } from "./snapshot-files.ts";
import { UNDEFINED_EPOCH, type OffsetAndEpoch, type RaftEntry, type RaftSnapshot } from "./types.ts";

const LOG_FILE = "raft.log";

/** A request the log must refuse: it would break the log's offsets or lose committed entries. */
export class RaftLogError extends KconformError {}

export interface RaftLogRecovery {
  /** The file had bytes after its last intact batch (a crash mid-append); they were cut off. */
  tornTail?: { validBytes: number; size: number };
  /** Entries that did not continue the snapshot were dropped. */
  droppedEntries?: number;
  damagedSnapshot?: string;
}

interface EpochStart {
  epoch: number;
  /** First offset of the epoch; -1 for the epoch of the snapshot, which starts below it. */
  startOffset: number;
}

export class RaftLog {
  private entries: RaftEntry[] = [];
  /** Byte position in the file of each entry. */
  private positions: number[] = [];
  private epochs: EpochStart[] = [];
  private snapshot: RaftSnapshot | undefined;
  private unsnapshottedBytes = 0;

  private constructor(
    private readonly disk: Disk,
    private readonly dir: string,
    private file: DiskFile,
  ) {}

  /** Opens (or creates) the log in dir and recovers it; what recovery did is reported. */
  static open(disk: Disk, dir: string, onRecovery: (what: RaftLogRecovery) => void = () => {}): RaftLog {
    disk.mkdirs(dir);
    const recovery: RaftLogRecovery = {};
    const snapshot = loadLatestSnapshot(disk, dir, (file) => (recovery.damagedSnapshot = file));
    const log = new RaftLog(disk, dir, disk.open(`${dir}/${LOG_FILE}`));
    const size = log.file.size();
    const { entries, validBytes } = decodeEntries(log.file.read(0, size));
    const contiguous = contiguousPrefix(entries, snapshot);
    const kept = snapshot === undefined ? contiguous : continuing(contiguous, snapshot);
    if (validBytes < size) recovery.tornTail = { validBytes, size };
    if (kept.length < entries.length) recovery.droppedEntries = entries.length - kept.length;
    log.snapshot = snapshot;
    if (kept.length === entries.length) {
      if (validBytes < size) {
        log.file.truncate(validBytes);
        log.file.sync();
      }
      log.load(kept);
    } else {
      log.rewrite(kept);
    }
    if (Object.keys(recovery).length > 0) onRecovery(recovery);
    return log;
  }

  /** The first offset held as an entry (the snapshot's end offset, or 0). */
  get startOffset(): number {
    return this.snapshot?.endOffset ?? 0;
  }

  get endOffset(): number {
    return this.startOffset + this.entries.length;
  }

  /** Epoch of the last entry (or of the snapshot); 0 for an empty log. */
  get lastEpoch(): number {
    return this.epochs.at(-1)?.epoch ?? 0;
  }

  get latestSnapshot(): RaftSnapshot | undefined {
    return this.snapshot;
  }

  /** Bytes of entry data appended since the latest snapshot. */
  get bytesSinceSnapshot(): number {
    return this.unsnapshottedBytes;
  }

  entry(offset: number): RaftEntry | undefined {
    return offset >= this.startOffset ? this.entries[offset - this.startOffset] : undefined;
  }

  /** Epoch of the entry at offset, including the snapshot's last one; undefined when not held. */
  epochAt(offset: number): number | undefined {
    if (this.snapshot !== undefined && offset === this.snapshot.endOffset - 1) return this.snapshot.epoch;
    return this.entry(offset)?.epoch;
  }

  /** Entries from offset on, up to maxBytes of data, but at least one when there is one. */
  read(fromOffset: number, maxBytes: number): RaftEntry[] {
    const out: RaftEntry[] = [];
    let bytes = 0;
    for (let i = fromOffset - this.startOffset; i >= 0 && i < this.entries.length; i++) {
      const entry = this.entries[i];
      if (out.length > 0 && bytes + entry.data.length > maxBytes) break;
      out.push(entry);
      bytes += entry.data.length;
    }
    return out;
  }

  /** Appends entries that continue the log, durably (one fsync). */
  append(entries: readonly RaftEntry[]): void {
    if (entries.length === 0) return;
    let expected = this.endOffset;
    let epoch = this.lastEpoch;
    for (const entry of entries) {
      if (entry.offset !== expected || entry.epoch < epoch) {
        throw new RaftLogError(`entry ${entry.offset} at epoch ${entry.epoch} does not continue the log (end ${expected}, epoch ${epoch})`, "raft-log-gap", { offset: entry.offset, endOffset: expected });
      }
      expected += 1;
      epoch = entry.epoch;
    }
    const batches = entries.map(encodeEntry);
    let position = this.file.size();
    this.file.append(Buffer.concat(batches));
    this.file.sync();
    entries.forEach((entry, i) => {
      this.positions.push(position);
      position += batches[i].length;
      this.track(entry);
    });
  }

  /** Removes every entry at offset and above, durably. */
  truncateTo(offset: number): void {
    if (offset >= this.endOffset) return;
    if (offset < this.startOffset) {
      throw new RaftLogError(`cannot truncate to ${offset}: the log starts at ${this.startOffset} (snapshot)`, "raft-log-truncate-below-start", { offset });
    }
    const index = offset - this.startOffset;
    this.file.truncate(this.positions[index]);
    this.file.sync();
    for (const entry of this.entries.slice(index)) this.unsnapshottedBytes -= entry.data.length;
    this.entries.length = index;
    this.positions.length = index;
    while (this.epochs.length > 0 && this.epochs.at(-1)!.startOffset >= offset) this.epochs.pop();
  }

  /**
   * Kafka's endOffsetForEpoch: the largest epoch in the log not above `epoch`, and the offset where
   * it ends (the next epoch's start, or the log end). UNDEFINED_EPOCH with the log start offset when
   * every epoch held is above it.
   */
  endOffsetForEpoch(epoch: number): OffsetAndEpoch {
    let i = this.epochs.length - 1;
    while (i >= 0 && this.epochs[i].epoch > epoch) i--;
    if (i < 0) return { epoch: UNDEFINED_EPOCH, offset: this.startOffset };
    return { epoch: this.epochs[i].epoch, offset: this.epochs[i + 1]?.startOffset ?? this.endOffset };
  }

  /** Replaces the prefix below endOffset with a snapshot of the state machine there. */
  createSnapshot(endOffset: number, data: Buffer): RaftSnapshot {
    const epoch = this.epochAt(endOffset - 1);
    if (endOffset <= this.startOffset || endOffset > this.endOffset || epoch === undefined) {
      throw new RaftLogError(`cannot snapshot at ${endOffset}: the log holds ${this.startOffset}..${this.endOffset}`, "raft-log-snapshot-range", { endOffset });
    }
    const snapshot = { endOffset, epoch, data };
    saveSnapshot(this.disk, this.dir, snapshot);
    const kept = this.entries.slice(endOffset - this.startOffset);
    this.snapshot = snapshot;
    this.rewrite(kept);
    return snapshot;
  }

  /** A snapshot fetched from the leader replaces the whole log. */
  installSnapshot(snapshot: RaftSnapshot): void {
    saveSnapshot(this.disk, this.dir, snapshot);
    this.snapshot = snapshot;
    this.rewrite([]);
  }

  close(): void {
    this.file.close();
  }

  private rewrite(entries: RaftEntry[]): void {
    const temporary = `${this.dir}/${LOG_FILE}.tmp`;
    this.disk.remove(temporary);
    const file = this.disk.open(temporary);
    file.append(Buffer.concat(entries.map(encodeEntry)));
    file.sync();
    file.close();
    this.file.close();
    this.disk.rename(temporary, `${this.dir}/${LOG_FILE}`);
    this.disk.syncDir(this.dir);
    this.file = this.disk.open(`${this.dir}/${LOG_FILE}`);
    this.load(entries);
  }

  private load(entries: RaftEntry[]): void {
    this.entries = [];
    this.positions = [];
    this.unsnapshottedBytes = 0;
    this.epochs = this.snapshot ? [{ epoch: this.snapshot.epoch, startOffset: -1 }] : [];
    let position = 0;
    for (const entry of entries) {
      this.positions.push(position);
      position += encodeEntry(entry).length;
      this.track(entry);
    }
  }

  private track(entry: RaftEntry): void {
    this.entries.push(entry);
    this.unsnapshottedBytes += entry.data.length;
    if (this.epochs.at(-1)?.epoch !== entry.epoch) this.epochs.push({ epoch: entry.epoch, startOffset: entry.offset });
  }
}

/** The entries up to the first gap or epoch going backwards (damage that kept its CRC intact). */
function contiguousPrefix(entries: RaftEntry[], snapshot: RaftSnapshot | undefined): RaftEntry[] {
  const first = entries[0]?.offset ?? 0;
  if (snapshot === undefined && first !== 0) return [];
  let n = 0;
  while (n < entries.length && entries[n].offset === first + n && (n === 0 || entries[n].epoch >= entries[n - 1].epoch)) n++;
  return entries.slice(0, n);
}

/**
 * The entries that continue the snapshot: those from its end offset on, when the log agrees with
 * it (its entry endOffset-1, if still there, has the snapshot's epoch); none otherwise.
 */
function continuing(entries: RaftEntry[], snapshot: RaftSnapshot): RaftEntry[] {
  const before = entries.find((e) => e.offset === snapshot.endOffset - 1);
  if (before !== undefined && before.epoch !== snapshot.epoch) return [];
  const after = entries.filter((e) => e.offset >= snapshot.endOffset);
  if (after.length > 0 && (after[0].offset !== snapshot.endOffset || after[0].epoch < snapshot.epoch)) return [];
  return after;
}
