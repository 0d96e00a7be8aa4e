// One segment of a partition log: a file of whole record batches named by its base offset, with
// its sparse offset and time indexes and the facts the log asks of it (next offset, largest
// timestamp, first batch timestamp). The PartitionLog decides when to roll, flush and delete.
import type { Disk, DiskFile } from "../io/disk.ts";
import { readWholeFile } from "../io/disk.ts";
import type { LogConfig } from "./log-config.ts";
import {
  BATCH_HEADER_SIZE,
  LENGTH_OFFSET,
  LOG_OVERHEAD,
  NO_TIMESTAMP,
  RecordBatch,
} from "./record-batch.ts";
import { SparseIndex } from "./sparse-index.ts";

export const LOG_FILE_SUFFIX = ".log";
export const INDEX_FILE_SUFFIX = ".index";
export const TIME_INDEX_FILE_SUFFIX = ".timeindex";

/** Reads for header walks: enough for many small batches per system call. */
const WALK_CHUNK_BYTES = 64 * 1024;
/** Reads during recovery, which needs whole batches to check their CRCs. */
const RECOVERY_CHUNK_BYTES = 1024 * 1024;
/** Batch starts remembered per segment, so readers at the tail skip the index search. */
const RECENT_POSITIONS = 64;

/** Kafka's index entry sizes, so segment.index.bytes rolls segments after as many entries as Kafka's. */
const KAFKA_OFFSET_INDEX_ENTRY_SIZE = 8;
const KAFKA_TIME_INDEX_ENTRY_SIZE = 12;

export function segmentFileName(baseOffset: number, suffix: string): string {
  return `${String(baseOffset).padStart(20, "0")}${suffix}`;
}

/** A batch found by walking a segment. `header` is a view that is only valid until the next step. */
interface BatchLocation {
  position: number;
  size: number;
  header: RecordBatch;
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
  /** The leader epoch of the batch, when it has one. */
  leaderEpoch: number | undefined;
}

function epochOrUndefined(epoch: number): number | undefined {
  return epoch >= 0 ? epoch : undefined;
}

export class LogSegment {
  /** The offset after the last batch (the base offset when empty). */
  nextOffset: number;
  /** Largest batch maxTimestamp, NO_TIMESTAMP when none. */
  maxTimestamp = NO_TIMESTAMP;
  /** Base offset of the first batch that carries maxTimestamp. */
  offsetOfMaxTimestamp = -1;
  /** When this segment was created or loaded, for segment.ms when batches carry no timestamps. */
  readonly createdMs: number;
  /** Last append (or load), the fallback of largestTimestamp() as Kafka's file mtime is. */
  lastModifiedMs: number;
  /** Log and index files are synced; false while data or indexes may only be in the page cache. */
  durable = false;
  deleted = false;

  private offsetIndex: SparseIndex;
  private timeIndex: SparseIndex;
  private bytesSinceLastIndexEntry = 0;
  private firstBatchMaxTimestamp: number | undefined;
  private readonly recentPositions = new Map<number, number>();
  private indexFiles: DiskFile[] = [];

  private constructor(
    private readonly disk: Disk,
    private readonly dir: string,
    readonly baseOffset: number,
    private readonly file: DiskFile,
    private config: LogConfig,
    nowMs: number,
  ) {
    this.nextOffset = baseOffset;
    this.createdMs = nowMs;
    this.lastModifiedMs = nowMs;
    this.offsetIndex = new SparseIndex(this.offsetIndexMaxEntries());
    this.timeIndex = new SparseIndex(this.timeIndexMaxEntries());
  }

  /** A new, empty segment (an existing file of that name is emptied). */
  static create(disk: Disk, dir: string, baseOffset: number, config: LogConfig, nowMs: number): LogSegment {
    const file = disk.open(`${dir}/${segmentFileName(baseOffset, LOG_FILE_SUFFIX)}`);
    if (file.size() > 0) file.truncate(0);
    return new LogSegment(disk, dir, baseOffset, file, config, nowMs);
  }

  /** An existing segment file; call loadIndexes() or recover() before using it. */
  static open(disk: Disk, dir: string, baseOffset: number, config: LogConfig, nowMs: number): LogSegment {
    return new LogSegment(disk, dir, baseOffset, disk.open(`${dir}/${segmentFileName(baseOffset, LOG_FILE_SUFFIX)}`), config, nowMs);
  }

  get size(): number {
    return this.file.size();
  }

  get isIndexFull(): boolean {
    return this.offsetIndex.isFull || this.timeIndex.isFull;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  /** Kafka's largestTimestamp: the newest record timestamp, or the last-modified time without one. */
  largestTimestamp(): number {
    return this.maxTimestamp >= 0 ? this.maxTimestamp : this.lastModifiedMs;
  }

  /** maxTimestamp of the first batch, which segment.ms measures from; NO_TIMESTAMP when empty. */
  firstBatchTimestamp(): number {
    if (this.firstBatchMaxTimestamp === undefined) {
      const first = this.walk(0).next();
      this.firstBatchMaxTimestamp = first.done ? NO_TIMESTAMP : first.value.header.maxTimestamp;
    }
    return this.firstBatchMaxTimestamp;
  }

  /**
   * Appends whole batches. `bytes` holds exactly `batches`, back to back, with offsets assigned.
   * One write of the received bytes, then per-batch bookkeeping.
   */
  append(batches: readonly RecordBatch[], bytes: Buffer, nowMs: number): void {
    let position = this.file.size();
    this.file.append(bytes);
    for (const batch of batches) {
      this.track(batch, position);
      position += batch.sizeInBytes;
    }
    this.lastModifiedMs = nowMs;
    this.durable = false;
  }

  /**
   * Whole batches starting with the one that holds startOffset: at most maxBytes (but the first
   * batch even when larger, with minOneMessage), only batches ending below maxOffset. undefined
   * when this segment holds nothing at or after startOffset.
   */
  read(startOffset: number, maxBytes: number, maxOffset: number, minOneMessage: boolean): Buffer | undefined {
    const size = this.file.size();
    const position = this.positionOf(startOffset);
    if (position >= size) return undefined;
    let buf: Buffer = this.file.read(position, Math.min(size - position, Math.max(maxBytes, BATCH_HEADER_SIZE)));
    const first = new RecordBatch(buf.subarray(0, BATCH_HEADER_SIZE));
    const firstSize = first.batchLength + LOG_OVERHEAD;
    if (first.lastOffset >= maxOffset) return Buffer.alloc(0);
    if (firstSize > maxBytes) {
      if (!minOneMessage) return Buffer.alloc(0);
      if (buf.length < firstSize) buf = this.file.read(position, firstSize);
      this.remember(first.lastOffset + 1, position + firstSize);
      return buf.subarray(0, firstSize);
    }
    let end = 0;
    let nextOffset = startOffset;
    while (end + BATCH_HEADER_SIZE <= buf.length) {
      const batchSize = buf.readInt32BE(end + LENGTH_OFFSET) + LOG_OVERHEAD;
      if (end + batchSize > buf.length) break;
      const batch = new RecordBatch(buf.subarray(end, end + BATCH_HEADER_SIZE));
      if (batch.lastOffset >= maxOffset) break;
      end += batchSize;
      nextOffset = batch.lastOffset + 1;
    }
    this.remember(nextOffset, position + end);
    return buf.subarray(0, end);
  }

  /** Headers of the batches from the one holding fromOffset on, detached from the file. */
  *headersFrom(fromOffset: number): Generator<RecordBatch> {
    for (const location of this.walk(this.positionOf(fromOffset))) {
      yield new RecordBatch(Buffer.from(location.header.buffer));
    }
  }

  /** The first record at or after startingOffset with a timestamp >= target (Kafka's findOffsetByTimestamp). */
  findOffsetByTimestamp(target: number, startingOffset: number): TimestampAndOffset | undefined {
    const indexedOffset = this.timeIndex.floorValue(target) ?? this.baseOffset;
    const position = this.offsetIndex.floorValue(Math.max(indexedOffset, startingOffset)) ?? 0;
    for (const location of this.walk(position)) {
      if (location.header.maxTimestamp < target) continue;
      const batch = this.readBatch(location);
      for (const record of batch.records()) {
        if (record.timestamp >= target && record.offset >= startingOffset) {
          return { timestamp: record.timestamp, offset: record.offset, leaderEpoch: epochOrUndefined(batch.partitionLeaderEpoch) };
        }
      }
    }
    return undefined;
  }

  /** The first record carrying this segment's largest timestamp (ListOffsets MAX_TIMESTAMP). */
  maxTimestampRecord(): TimestampAndOffset | undefined {
    if (this.offsetOfMaxTimestamp < 0) return undefined;
    for (const location of this.walk(this.positionOf(this.offsetOfMaxTimestamp))) {
      if (location.header.maxTimestamp !== this.maxTimestamp) continue;
      const batch = this.readBatch(location);
      const record = batch.records().find((r) => r.timestamp === batch.maxTimestamp);
      if (record) return { timestamp: record.timestamp, offset: record.offset, leaderEpoch: epochOrUndefined(batch.partitionLeaderEpoch) };
    }
    return undefined;
  }

  /**
   * Rebuilds this segment's state from its file: every batch must be whole, of magic 2, with a
   * matching CRC and the next expected offset. The file is truncated (and synced) at the first
   * batch that is not; returns the number of bytes cut off. onBatch sees each accepted batch.
   */
  recover(onBatch: (batch: RecordBatch) => void): number {
    this.resetState();
    const fileSize = this.file.size();
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = 0;
    let position = 0;
    let expectedOffset = this.baseOffset;
    const bytesAt = (start: number, length: number): Buffer => {
      if (start < chunkStart || start + length > chunkStart + chunk.length) {
        chunk = this.file.read(start, Math.max(length, Math.min(RECOVERY_CHUNK_BYTES, fileSize - start)));
        chunkStart = start;
      }
      return chunk.subarray(start - chunkStart, start - chunkStart + length);
    };
    while (fileSize - position >= LOG_OVERHEAD) {
      const batchSize = bytesAt(position, LOG_OVERHEAD).readInt32BE(LENGTH_OFFSET) + LOG_OVERHEAD;
      if (batchSize < BATCH_HEADER_SIZE || position + batchSize > fileSize) break;
      const batch = new RecordBatch(bytesAt(position, batchSize));
      if (!batch.isValid() || batch.baseOffset !== expectedOffset || batch.lastOffsetDelta < 0) break;
      this.track(batch, position);
      onBatch(batch);
      expectedOffset = batch.nextOffset;
      position += batchSize;
    }
    const truncated = fileSize - position;
    if (truncated > 0) {
      this.file.truncate(position);
      this.file.sync();
    }
    return truncated;
  }

  /**
   * Loads the index files written when this segment rolled or the log closed, and finds the end
   * by walking the batches after the last index entry. false when they are missing or do not fit
   * the file; the caller then recovers the segment instead.
   */
  loadIndexes(): boolean {
    const size = this.file.size();
    const offsetData = readWholeFile(this.disk, this.path(INDEX_FILE_SUFFIX));
    const timeData = readWholeFile(this.disk, this.path(TIME_INDEX_FILE_SUFFIX));
    if (!offsetData || !timeData) return false;
    const offsetIndex = SparseIndex.deserialize(offsetData, this.offsetIndexMaxEntries(), (offset, position) => offset >= this.baseOffset && position >= 0 && position < size);
    const timeIndex = SparseIndex.deserialize(timeData, this.timeIndexMaxEntries(), (_timestamp, offset) => offset >= this.baseOffset);
    if (!offsetIndex || !timeIndex) return false;
    this.resetState();
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.maxTimestamp = timeIndex.lastKey() ?? NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = timeIndex.lastValue() ?? -1;
    const resumeAt = offsetIndex.lastValue() ?? 0;
    let expectedOffset = offsetIndex.lastKey() ?? this.baseOffset;
    let position = resumeAt;
    for (const location of this.walk(resumeAt)) {
      if (location.header.baseOffset !== expectedOffset) return false;
      this.trackMaxTimestamp(location.header);
      this.bytesSinceLastIndexEntry += location.size;
      expectedOffset = location.header.nextOffset;
      position += location.size;
    }
    if (position !== size || this.offsetOfMaxTimestamp >= expectedOffset) return false;
    this.nextOffset = expectedOffset;
    this.durable = true;
    return true;
  }

  /**
   * Removes every batch whose last offset is >= offset (a batch holding offset goes entirely) and
   * syncs the cut. Returns the bytes removed.
   */
  truncateTo(offset: number): number {
    const size = this.file.size();
    const position = this.positionOf(offset);
    const cut = this.walk(position).next();
    if (cut.done) return 0;
    const cutOffset = cut.value.header.baseOffset;
    this.file.truncate(position);
    this.file.sync();
    this.offsetIndex.truncateWhere((_offset, entryPosition) => entryPosition < position);
    this.timeIndex.truncateWhere((_timestamp, entryOffset) => entryOffset < cutOffset);
    this.recentPositions.clear();
    this.maxTimestamp = this.timeIndex.lastKey() ?? NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = this.timeIndex.lastValue() ?? -1;
    this.bytesSinceLastIndexEntry = 0;
    this.nextOffset = this.offsetIndex.lastKey() ?? this.baseOffset;
    for (const location of this.walk(this.offsetIndex.lastValue() ?? 0)) {
      this.trackMaxTimestamp(location.header);
      this.bytesSinceLastIndexEntry += location.size;
      this.nextOffset = location.header.nextOffset;
    }
    if (position === 0) this.firstBatchMaxTimestamp = undefined;
    this.durable = false;
    return size - position;
  }

  /** Writes both index files (with a final time entry for the largest timestamp), unsynced. */
  persistIndexes(): void {
    if (this.maxTimestamp > (this.timeIndex.lastKey() ?? NO_TIMESTAMP)) this.timeIndex.append(this.maxTimestamp, this.offsetOfMaxTimestamp);
    this.closeIndexFiles();
    this.indexFiles = [
      this.writeIndexFile(INDEX_FILE_SUFFIX, this.offsetIndex),
      this.writeIndexFile(TIME_INDEX_FILE_SUFFIX, this.timeIndex),
    ];
  }

  /** fsync of the log file and of index files written since the last persistIndexes(). */
  sync(): void {
    this.file.sync();
    for (const f of this.indexFiles) f.sync();
  }

  syncInBackground(): Promise<void> {
    return Promise.all([this.file, ...this.indexFiles].map((f) => f.syncInBackground())).then(() => undefined);
  }

  close(): void {
    this.file.close();
    this.closeIndexFiles();
  }

  /** Closes and deletes the segment's files, the log file first so an index never outlives it. */
  delete(): void {
    this.close();
    this.deleted = true;
    for (const suffix of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX]) this.disk.remove(this.path(suffix));
  }

  private path(suffix: string): string {
    return `${this.dir}/${segmentFileName(this.baseOffset, suffix)}`;
  }

  private offsetIndexMaxEntries(): number {
    return Math.floor(this.config.segmentIndexBytes / KAFKA_OFFSET_INDEX_ENTRY_SIZE);
  }

  private timeIndexMaxEntries(): number {
    return Math.floor(this.config.segmentIndexBytes / KAFKA_TIME_INDEX_ENTRY_SIZE);
  }

  private resetState(): void {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.recentPositions.clear();
    this.maxTimestamp = NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = -1;
    this.bytesSinceLastIndexEntry = 0;
    this.firstBatchMaxTimestamp = undefined;
    this.nextOffset = this.baseOffset;
  }

  /** Bookkeeping for one batch at `position`, as Kafka's LogSegment.append does it. */
  private track(batch: RecordBatch, position: number): void {
    if (position === 0) this.firstBatchMaxTimestamp = batch.maxTimestamp;
    this.trackMaxTimestamp(batch);
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append(batch.baseOffset, position);
      if (this.maxTimestamp > (this.timeIndex.lastKey() ?? NO_TIMESTAMP)) this.timeIndex.append(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += batch.batchLength + LOG_OVERHEAD;
    this.remember(batch.baseOffset, position);
    this.nextOffset = batch.nextOffset;
  }

  private trackMaxTimestamp(batch: RecordBatch): void {
    if (batch.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = batch.maxTimestamp;
      this.offsetOfMaxTimestamp = batch.baseOffset;
    }
  }

  private remember(offset: number, position: number): void {
    if (this.recentPositions.size >= RECENT_POSITIONS) {
      const oldest = this.recentPositions.keys().next().value;
      if (oldest !== undefined) this.recentPositions.delete(oldest);
    }
    this.recentPositions.set(offset, position);
  }

  /** Position of the first batch whose last offset is >= offset; the file size when there is none. */
  private positionOf(offset: number): number {
    const known = this.recentPositions.get(offset);
    if (known !== undefined) return known;
    for (const location of this.walk(this.offsetIndex.floorValue(offset) ?? 0)) {
      if (location.header.lastOffset >= offset) return location.position;
    }
    return this.file.size();
  }

  private readBatch(location: BatchLocation): RecordBatch {
    return new RecordBatch(this.file.read(location.position, location.size));
  }

  /** Batch headers from position to the end, read in chunks; stops at anything that is not a whole batch. */
  private *walk(from: number): Generator<BatchLocation> {
    const end = this.file.size();
    let chunk: Buffer = Buffer.alloc(0);
    let chunkStart = from;
    let position = from;
    while (position + BATCH_HEADER_SIZE <= end) {
      if (position < chunkStart || position + BATCH_HEADER_SIZE > chunkStart + chunk.length) {
        chunk = this.file.read(position, Math.min(WALK_CHUNK_BYTES, end - position));
        chunkStart = position;
      }
      const header = new RecordBatch(chunk.subarray(position - chunkStart, position - chunkStart + BATCH_HEADER_SIZE));
      const size = header.batchLength + LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || position + size > end) return;
      yield { position, size, header };
      position += size;
    }
  }

  private writeIndexFile(suffix: string, index: SparseIndex): DiskFile {
    const file = this.disk.open(this.path(suffix));
    file.truncate(0);
    file.append(index.serialize());
    return file;
  }

  private closeIndexFiles(): void {
    for (const f of this.indexFiles) f.close();
    this.indexFiles = [];
  }
}
