// The log of one partition replica: segments in <dataDir>/<topic>-<partition>/, offsets assigned
// by the leader or copied by a follower, reads of whole batches, the log start offset, the high
// watermark, retention, DeleteRecords, truncation, the leader-epoch cache and crash recovery.
// Kafka's UnifiedLog/LocalLog semantics; synchronous, on the Disk and Clock interfaces.
import type { Clock } from "../io/clock.ts";
import type { Disk } from "../io/disk.ts";
import { validateBatchForLeader, type AppendOrigin } from "./batch-validator.ts";
import { CorruptRecordError, LogClosedError, OffsetOutOfRangeError, UnexpectedAppendOffsetError } from "./errors.ts";
import type { EpochEntry, LeaderEpochCache } from "./leader-epoch-cache.ts";
import { markCleanShutdown, sameLogState, writeLogState, type LogState } from "./log-checkpoints.ts";
import type { LogConfig } from "./log-config.ts";
import { loadLog, type LoadedLog } from "./log-loader.ts";
import { LogSegment, type TimestampAndOffset } from "./log-segment.ts";
import { CURRENT_MAGIC, NO_TIMESTAMP, splitBatches, type RecordBatch, type RecordBatchHeader } from "./record-batch.ts";

export type { TimestampAndOffset } from "./log-segment.ts";

/** ListOffsets special timestamps. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
export const MAX_TIMESTAMP = -3;

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** The partition's directory name under the data directory, as Kafka names it. */
export function partitionDirName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

export interface PartitionLogOptions {
  /** This partition's directory (created when missing), normally join(dataDir, partitionDirName(tp)). */
  dir: string;
  topicPartition: TopicPartition;
  config: LogConfig;
  disk: Disk;
  clock: Clock;
  /** Receives one line per notable event: recovery truncations, segment deletions, background errors. */
  log?: (line: string) => void;
}

export interface LogAppendInfo {
  firstOffset: number;
  lastOffset: number;
  /** Largest timestamp appended (the append time on LogAppendTime topics). */
  maxTimestamp: number;
  /** Offset of the first record carrying maxTimestamp (a batch base offset for follower appends). */
  offsetOfMaxTimestamp: number;
  /** The time stamped on the batch for LogAppendTime topics, else -1 (Produce's log_append_time_ms). */
  logAppendTime: number;
  logStartOffset: number;
  recordCount: number;
  /** Bytes written. */
  validBytes: number;
}

export interface ReadOptions {
  maxBytes: number;
  /** Exclusive upper bound: only batches ending below it (the high watermark for consumers). Default: log end. */
  maxOffset?: number;
  /** Return the first batch even when it is larger than maxBytes (Kafka's default for fetches). Default true. */
  minOneMessage?: boolean;
}

export interface SegmentInfo {
  baseOffset: number;
  nextOffset: number;
  sizeInBytes: number;
  maxTimestamp: number;
}

export class PartitionLog {
  readonly topicPartition: TopicPartition;
  readonly dir: string;
  private readonly disk: Disk;
  private readonly clock: Clock;
  private readonly logLine: (line: string) => void;
  private readonly name: string;
  private cfg: LogConfig;
  private segments: LogSegment[];
  private readonly epochCache: LeaderEpochCache;
  private startOffset: number;
  private endOffset: number;
  private hw: number;
  /** Segments from this base offset on are scanned after an unclean shutdown; all below are durable. */
  private recoveryPoint: number;
  private persistedState: LogState | undefined;
  /** Offsets below this are fsynced (flush.messages counts from here). */
  private flushedOffset: number;
  private lastFlushMs: number;
  private dirSyncNeeded: boolean;
  private closed = false;

  private constructor(options: PartitionLogOptions, loaded: LoadedLog) {
    this.topicPartition = options.topicPartition;
    this.dir = options.dir;
    this.disk = options.disk;
    this.clock = options.clock;
    this.cfg = options.config;
    this.logLine = options.log ?? (() => {});
    this.name = partitionDirName(options.topicPartition);
    this.lastFlushMs = options.clock.nowMs();
    this.segments = loaded.segments;
    this.epochCache = loaded.epochCache;
    this.startOffset = loaded.logStartOffset;
    this.endOffset = this.active().nextOffset;
    this.flushedOffset = this.endOffset;
    this.hw = loaded.highWatermark;
    this.persistedState = loaded.persistedState;
    this.dirSyncNeeded = loaded.createdSegment;
    this.recoveryPoint = this.active().baseOffset;
    this.writeState();
  }

  /** Opens (or creates) the log, recovering from an unclean shutdown. */
  static open(options: PartitionLogOptions): PartitionLog {
    const name = partitionDirName(options.topicPartition);
    const loaded = loadLog({ dir: options.dir, disk: options.disk, config: options.config, nowMs: options.clock.nowMs(), name, logLine: options.log ?? (() => {}) });
    return new PartitionLog(options, loaded);
  }

  get config(): LogConfig {
    return this.cfg;
  }
  get logStartOffset(): number {
    return this.startOffset;
  }
  get logEndOffset(): number {
    return this.endOffset;
  }
  get highWatermark(): number {
    return this.hw;
  }
  /** Total bytes of all segments (what retention.bytes limits). */
  get size(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }
  get latestEpoch(): number | undefined {
    return this.epochCache.latestEntry()?.epoch;
  }

  updateConfig(config: LogConfig): void {
    this.cfg = config;
    for (const s of this.segments) s.updateConfig(config);
  }

  /**
   * Appends one produced batch as leader: validates it (Kafka's LogValidator), assigns offsets from
   * the log end, stamps leaderEpoch and, on LogAppendTime topics, the append time, all in place in
   * the batch's bytes (mutated), then writes those bytes. Caller-side checks (magic per produce
   * version, one batch per partition, max.message.bytes, producer state) come first.
   */
  appendAsLeader(batch: RecordBatch, options: { leaderEpoch: number; origin?: AppendOrigin }): LogAppendInfo {
    this.checkOpen();
    const nowMs = this.clock.nowMs();
    const validated = validateBatchForLeader(batch, {
      origin: options.origin ?? "client",
      timestampType: this.cfg.messageTimestampType,
      timestampBeforeMaxMs: this.cfg.messageTimestampBeforeMaxMs,
      timestampAfterMaxMs: this.cfg.messageTimestampAfterMaxMs,
      nowMs,
      topicPartition: this.name,
    });
    const firstOffset = this.endOffset;
    batch.setBaseOffset(firstOffset);
    batch.setPartitionLeaderEpoch(options.leaderEpoch);
    const logAppendTime = this.cfg.messageTimestampType === "LogAppendTime" ? nowMs : NO_TIMESTAMP;
    let offsetOfMaxTimestamp: number;
    if (logAppendTime !== NO_TIMESTAMP) {
      batch.setMaxTimestamp("LogAppendTime", logAppendTime);
      offsetOfMaxTimestamp = firstOffset;
    } else {
      batch.setMaxTimestamp("CreateTime", validated.maxTimestamp);
      offsetOfMaxTimestamp = validated.offsetDeltaOfMaxTimestamp < 0 ? -1 : firstOffset + validated.offsetDeltaOfMaxTimestamp;
    }
    if (options.leaderEpoch >= 0) this.epochCache.assign(options.leaderEpoch, firstOffset);
    this.appendBatches([batch], batch.buffer, nowMs);
    return {
      firstOffset,
      lastOffset: batch.lastOffset,
      maxTimestamp: batch.maxTimestamp,
      offsetOfMaxTimestamp,
      logAppendTime,
      logStartOffset: this.startOffset,
      recordCount: validated.recordCount,
      validBytes: batch.sizeInBytes,
    };
  }

  /**
   * Appends batches fetched from the leader, offsets already assigned: each must be intact and the
   * first must start exactly at the log end, the rest follow on. A partial batch at the end is
   * ignored, as Kafka does. undefined when there is no whole batch.
   */
  appendAsFollower(records: Buffer): LogAppendInfo | undefined {
    this.checkOpen();
    const { batches } = splitBatches(records);
    if (batches.length === 0) return undefined;
    let expected = this.endOffset;
    let validBytes = 0;
    let maxTimestamp = NO_TIMESTAMP;
    let offsetOfMaxTimestamp = -1;
    let recordCount = 0;
    for (const batch of batches) {
      if (batch.magic !== CURRENT_MAGIC) throw new CorruptRecordError(`follower append of a magic ${batch.magic} batch to ${this.name}`, { topicPartition: this.name });
      batch.ensureValid({ topicPartition: this.name });
      if (batch.baseOffset !== expected || batch.lastOffsetDelta < 0) {
        throw new UnexpectedAppendOffsetError(
          `follower append to ${this.name} has batch [${batch.baseOffset}, ${batch.lastOffset}] where offset ${expected} was expected (log end offset ${this.endOffset})`,
          batches[0].baseOffset,
          this.endOffset,
          { topicPartition: this.name },
        );
      }
      if (batch.maxTimestamp > maxTimestamp) {
        maxTimestamp = batch.maxTimestamp;
        offsetOfMaxTimestamp = batch.baseOffset;
      }
      expected = batch.nextOffset;
      validBytes += batch.sizeInBytes;
      recordCount += batch.lastOffsetDelta + 1;
    }
    for (const batch of batches) {
      if (batch.partitionLeaderEpoch >= 0) this.epochCache.assign(batch.partitionLeaderEpoch, batch.baseOffset);
    }
    const firstOffset = this.endOffset;
    this.appendBatches(batches, records.subarray(0, validBytes), this.clock.nowMs());
    return {
      firstOffset,
      lastOffset: expected - 1,
      maxTimestamp,
      offsetOfMaxTimestamp,
      logAppendTime: NO_TIMESTAMP,
      logStartOffset: this.startOffset,
      recordCount,
      validBytes,
    };
  }

  /**
   * Whole batches from the one holding fetchOffset, within one segment as Kafka reads them. Throws
   * OffsetOutOfRangeError below the log start offset or above the log end offset; empty at or
   * above maxOffset.
   */
  read(fetchOffset: number, options: ReadOptions): Buffer {
    this.checkOpen();
    if (fetchOffset < this.startOffset || fetchOffset > this.endOffset) {
      throw new OffsetOutOfRangeError(
        `offset ${fetchOffset} is out of range for ${this.name}: log start offset ${this.startOffset}, log end offset ${this.endOffset}`,
        { topicPartition: this.name, fetchOffset, logStartOffset: this.startOffset, logEndOffset: this.endOffset },
      );
    }
    const maxOffset = Math.min(options.maxOffset ?? this.endOffset, this.endOffset);
    if (fetchOffset >= maxOffset) return Buffer.alloc(0);
    for (let i = this.segmentIndexFor(fetchOffset); i < this.segments.length; i++) {
      const data = this.segments[i].read(fetchOffset, options.maxBytes, maxOffset, options.minOneMessage ?? true);
      if (data !== undefined) return data;
    }
    return Buffer.alloc(0);
  }

  /** Sets the high watermark, kept within [logStartOffset, logEndOffset]; returns the value set. */
  updateHighWatermark(offset: number): number {
    this.hw = Math.max(this.startOffset, Math.min(offset, this.endOffset));
    return this.hw;
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (not past the high watermark) and
   * deletes the segments wholly below it. Returns the new log start offset (the low watermark).
   */
  deleteRecordsBefore(offset: number): number {
    this.checkOpen();
    if (offset > this.hw || offset < 0) {
      throw new OffsetOutOfRangeError(
        `cannot increment the log start offset to ${offset} of partition ${this.name} since it is larger than the high watermark ${this.hw}`,
        { topicPartition: this.name, offset, highWatermark: this.hw },
      );
    }
    if (offset <= this.startOffset) return this.startOffset;
    this.startOffset = offset;
    this.epochCache.truncateFromStart(offset);
    this.writeState();
    this.deleteSegmentsBelowLogStart();
    return this.startOffset;
  }

  /**
   * Kafka's deleteOldSegments: segments below the log start offset, then by retention.bytes, then
   * by retention.ms (segments whose largest timestamp is older). Oldest first, stopping at the
   * first segment that stays; never past the high watermark; the active segment too when it
   * qualifies (a new empty one is rolled first). Returns the number of segments deleted.
   */
  deleteOldSegments(): number {
    this.checkOpen();
    let deleted = this.deleteSegmentsBelowLogStart();
    const retentionBytes = this.cfg.retentionBytes;
    if (retentionBytes >= 0 && this.size >= retentionBytes) {
      let excess = this.size - retentionBytes;
      deleted += this.deleteSegmentsWhile((segment) => {
        if (excess - segment.size < 0) return false;
        excess -= segment.size;
        return true;
      });
    }
    const retentionMs = this.cfg.retentionMs;
    if (retentionMs >= 0) {
      const nowMs = this.clock.nowMs();
      deleted += this.deleteSegmentsWhile((segment) => nowMs - segment.largestTimestamp() > retentionMs);
    }
    return deleted;
  }

  /** Starts a new active segment at the log end (no-op when the active segment is empty). */
  roll(): void {
    this.checkOpen();
    this.rollAt(this.endOffset);
  }

  /**
   * Removes every batch at or above targetOffset (a batch holding it goes entirely), for a
   * follower whose tail diverged from the leader. Returns whether anything was removed.
   */
  truncateTo(targetOffset: number): boolean {
    this.checkOpen();
    if (targetOffset < 0) throw new RangeError(`cannot truncate ${this.name} to a negative offset (${targetOffset})`);
    if (targetOffset >= this.endOffset) {
      this.epochCache.truncateFromEnd(this.endOffset);
      return false;
    }
    if (this.segments[0].baseOffset > targetOffset) {
      this.truncateFullyAndStartAt(targetOffset);
      return true;
    }
    const keep = this.segmentIndexFor(targetOffset);
    // Lowered and persisted before the files change, so a crash mid-way rescans what is touched.
    this.recoveryPoint = Math.min(this.recoveryPoint, this.segments[keep].baseOffset);
    this.writeState();
    for (const segment of this.segments.splice(keep + 1)) segment.delete();
    this.disk.syncDir(this.dir);
    const active = this.active();
    active.truncateTo(targetOffset);
    this.endOffset = active.nextOffset;
    this.epochCache.truncateFromEnd(this.endOffset);
    this.startOffset = Math.min(this.startOffset, this.endOffset);
    this.hw = Math.min(this.hw, this.endOffset);
    this.flushedOffset = Math.min(this.flushedOffset, this.endOffset);
    this.writeState();
    this.logLine(`${this.name}: truncated to offset ${targetOffset}, log end offset now ${this.endOffset}`);
    return true;
  }

  /** Deletes all data and restarts the log, empty, at newOffset (log start offset and high watermark too). */
  truncateFullyAndStartAt(newOffset: number): void {
    this.checkOpen();
    this.recoveryPoint = newOffset;
    this.startOffset = newOffset;
    this.endOffset = newOffset;
    this.hw = newOffset;
    this.flushedOffset = newOffset;
    this.writeState();
    for (const segment of this.segments) segment.delete();
    this.segments = [LogSegment.create(this.disk, this.dir, newOffset, this.cfg, this.clock.nowMs())];
    this.epochCache.clear();
    this.disk.syncDir(this.dir);
    this.logLine(`${this.name}: truncated fully, restarting at offset ${newOffset}`);
  }

  /**
   * ListOffsets for one partition: EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP or a
   * timestamp (the first record at or after it). Capping at the high watermark is the caller's.
   */
  offsetForTimestamp(timestamp: number): TimestampAndOffset | undefined {
    this.checkOpen();
    if (timestamp === EARLIEST_TIMESTAMP) {
      const earliest = this.epochCache.earliestEntry();
      const leaderEpoch = earliest && earliest.startOffset <= this.startOffset ? earliest.epoch : undefined;
      return { timestamp: NO_TIMESTAMP, offset: this.startOffset, leaderEpoch };
    }
    if (timestamp === LATEST_TIMESTAMP) return { timestamp: NO_TIMESTAMP, offset: this.endOffset, leaderEpoch: this.latestEpoch };
    if (timestamp === MAX_TIMESTAMP) {
      let newest = this.segments[0];
      for (const s of this.segments) if (s.maxTimestamp > newest.maxTimestamp) newest = s;
      return newest.maxTimestampRecord();
    }
    if (timestamp < 0) throw new RangeError(`unsupported ListOffsets timestamp ${timestamp}`);
    return this.segments.find((s) => s.largestTimestamp() >= timestamp)?.findOffsetByTimestamp(timestamp, this.startOffset);
  }

  /** Records that the new leader epoch starts at startOffset (on becoming leader, before any append). */
  assignEpochStartOffset(epoch: number, startOffset: number): void {
    this.checkOpen();
    this.epochCache.assign(epoch, startOffset);
  }

  /** OffsetForLeaderEpoch: the largest epoch <= the requested one and where it ends; -1/-1 when unknown. */
  endOffsetForEpoch(epoch: number): { leaderEpoch: number; endOffset: number } {
    const { epoch: leaderEpoch, endOffset } = this.epochCache.endOffsetFor(epoch, this.endOffset);
    return { leaderEpoch, endOffset };
  }

  epochEntries(): readonly EpochEntry[] {
    return this.epochCache.entries();
  }

  /**
   * Headers of the stored batches from the one holding fromOffset (default: the log start) to the
   * end, for rebuilding producer state. Do not modify the log while iterating.
   */
  *batchHeaders(fromOffset: number = this.startOffset): Generator<RecordBatchHeader> {
    this.checkOpen();
    for (let i = this.segmentIndexFor(fromOffset); i < this.segments.length; i++) {
      for (const header of this.segments[i].headersFrom(fromOffset)) yield header.header();
    }
  }

  segmentInfos(): SegmentInfo[] {
    return this.segments.map((s) => ({ baseOffset: s.baseOffset, nextOffset: s.nextOffset, sizeInBytes: s.size, maxTimestamp: s.maxTimestamp }));
  }

  /** fsync everything written so far (Kafka's flush): rolled segments with their indexes, then the active segment. */
  flush(): void {
    this.checkOpen();
    const active = this.active();
    for (const segment of this.segments) {
      if (segment === active) segment.sync();
      else if (!segment.durable) {
        segment.sync();
        segment.durable = true;
      }
    }
    if (this.dirSyncNeeded) {
      this.disk.syncDir(this.dir);
      this.dirSyncNeeded = false;
    }
    this.flushedOffset = this.endOffset;
    this.lastFlushMs = this.clock.nowMs();
    this.advanceRecoveryPoint();
  }

  /** flush.ms: flushes when there is unflushed data and the last flush is at least flush.ms old. */
  maybeFlush(): boolean {
    this.checkOpen();
    if (this.endOffset <= this.flushedOffset || this.clock.nowMs() - this.lastFlushMs < this.cfg.flushMs) return false;
    this.flush();
    return true;
  }

  /** Clean shutdown: indexes written, everything synced, so the next open skips recovery. */
  close(): void {
    if (this.closed) return;
    for (const segment of this.segments) {
      if (!segment.durable) {
        segment.persistIndexes();
        segment.sync();
        segment.durable = true;
      }
    }
    this.recoveryPoint = this.active().baseOffset;
    this.writeState();
    markCleanShutdown(this.disk, this.dir);
    for (const segment of this.segments) segment.close();
    this.closed = true;
  }

  /** Closes without flushing and removes the partition's directory (topic deletion, replica removal). */
  delete(): void {
    for (const segment of this.segments) segment.close();
    this.closed = true;
    this.disk.removeTree(this.dir);
  }

  private active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  private checkOpen(): void {
    if (this.closed) throw new LogClosedError(`the log of ${this.name} is closed`, { topicPartition: this.name });
  }

  /** Index of the last segment whose base offset is <= offset (0 when offset is below all). */
  private segmentIndexFor(offset: number): number {
    let low = 0;
    let high = this.segments.length - 1;
    let found = 0;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (this.segments[mid].baseOffset <= offset) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found;
  }

  private appendBatches(batches: readonly RecordBatch[], bytes: Buffer, nowMs: number): void {
    let maxTimestamp = NO_TIMESTAMP;
    for (const b of batches) maxTimestamp = Math.max(maxTimestamp, b.maxTimestamp);
    if (this.shouldRoll(bytes.length, maxTimestamp, nowMs)) this.rollAt(batches[0].baseOffset);
    this.active().append(batches, bytes, nowMs);
    this.endOffset = batches[batches.length - 1].nextOffset;
    if (this.endOffset - this.flushedOffset >= this.cfg.flushMessages) this.flush();
  }

  /** Kafka's LogSegment.shouldRoll (segment.jitter.ms is 0). */
  private shouldRoll(appendBytes: number, maxTimestampInAppend: number, nowMs: number): boolean {
    const active = this.active();
    const size = active.size;
    if (size > this.cfg.segmentBytes - appendBytes || active.isIndexFull) return true;
    if (size === 0) return false;
    const firstTimestamp = active.firstBatchTimestamp();
    const waited = firstTimestamp >= 0 ? maxTimestampInAppend - firstTimestamp : nowMs - active.createdMs;
    return waited > this.cfg.segmentMs;
  }

  private rollAt(baseOffset: number): void {
    const previous = this.active();
    if (previous.size === 0) return;
    previous.persistIndexes();
    this.segments.push(LogSegment.create(this.disk, this.dir, baseOffset, this.cfg, this.clock.nowMs()));
    this.dirSyncNeeded = true;
    // Kafka flushes a rolled segment in the background; the recovery point follows when it is done.
    previous
      .syncInBackground()
      .then(() => {
        if (this.closed || previous.deleted) return;
        this.disk.syncDir(this.dir);
        previous.durable = true;
        this.advanceRecoveryPoint();
      })
      .catch((err: unknown) => {
        // The segment stays non-durable: the next flush() retries, a crash rescans it.
        if (!this.closed && !previous.deleted) this.logLine(`${this.name}: background flush of segment ${previous.baseOffset} failed: ${(err as Error).message}`);
      });
  }

  /** Moves the recovery point to the first segment that is not yet durable (at most the active one). */
  private advanceRecoveryPoint(): void {
    const active = this.active();
    const firstPending = this.segments.find((s) => s === active || !s.durable) ?? active;
    if (firstPending.baseOffset > this.recoveryPoint) {
      this.recoveryPoint = firstPending.baseOffset;
      this.writeState();
    }
  }

  /** Segments whose successor starts at or below the log start offset hold nothing readable. */
  private deleteSegmentsBelowLogStart(): number {
    return this.deleteSegmentsWhile((_segment, next) => next !== undefined && next.baseOffset <= this.startOffset);
  }

  private deleteSegmentsWhile(predicate: (segment: LogSegment, next: LogSegment | undefined) => boolean): number {
    const deletable: LogSegment[] = [];
    for (let i = 0; i < this.segments.length; i++) {
      const segment = this.segments[i];
      const next = this.segments[i + 1];
      const upperBoundOffset = next ? next.baseOffset : this.endOffset;
      const isLastAndEmpty = next === undefined && segment.size === 0;
      if (this.hw >= upperBoundOffset && !isLastAndEmpty && predicate(segment, next)) deletable.push(segment);
      else break;
    }
    if (deletable.length === 0) return 0;
    if (deletable.length === this.segments.length) this.rollAt(this.endOffset);
    const remaining = this.segments.slice(deletable.length);
    this.startOffset = Math.max(this.startOffset, remaining[0].baseOffset);
    this.epochCache.truncateFromStart(this.startOffset);
    this.writeState();
    this.segments = remaining;
    for (const segment of deletable) {
      segment.delete();
      this.logLine(`${this.name}: deleted segment ${segment.baseOffset} (next offset ${segment.nextOffset}), log start offset now ${this.startOffset}`);
    }
    return deletable.length;
  }

  private writeState(): void {
    const state: LogState = { logStartOffset: this.startOffset, recoveryPoint: this.recoveryPoint, highWatermark: this.hw };
    if (sameLogState(this.persistedState, state)) return;
    writeLogState(this.disk, this.dir, state);
    this.persistedState = state;
  }
}
