// The topic configs the partition log obeys, with Kafka 4.3's defaults. Parsing and validating
// topic configs, and the ones the log does not use (max.message.bytes, min.insync.replicas), are the
// broker's.
import type { TimestampType } from "./record-batch.ts";

/** Java's Long.MAX_VALUE as a number: Kafka's "never" for flush.messages and flush.ms. */
export const LONG_MAX = 9223372036854775807;

export interface LogConfig {
  /** segment.bytes (or internal.segment.bytes): roll when the active segment would grow past it. */
  segmentBytes: number;
  /** segment.ms: roll when the new batch is this much newer than the segment's first batch. */
  segmentMs: number;
  /** retention.ms: delete segments whose newest record is older; negative keeps everything. */
  retentionMs: number;
  /** retention.bytes: delete oldest segments while the log is larger; negative keeps everything. */
  retentionBytes: number;
  /** flush.messages: fsync once this many offsets are unflushed (1 = every append). */
  flushMessages: number;
  /** flush.ms: fsync when maybeFlush() finds the last flush this old. */
  flushMs: number;
  /** index.interval.bytes: bytes between sparse offset/time index entries. */
  indexIntervalBytes: number;
  /** segment.index.bytes: index size at which a segment rolls (8-byte offset, 12-byte time entries). */
  segmentIndexBytes: number;
  /** message.timestamp.type */
  messageTimestampType: TimestampType;
  /** message.timestamp.before.max.ms: how far in the past a CreateTime timestamp may be. */
  messageTimestampBeforeMaxMs: number;
  /** message.timestamp.after.max.ms: how far in the future a CreateTime timestamp may be. */
  messageTimestampAfterMaxMs: number;
}

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  flushMessages: LONG_MAX,
  flushMs: LONG_MAX,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  messageTimestampType: "CreateTime",
  messageTimestampBeforeMaxMs: LONG_MAX,
  messageTimestampAfterMaxMs: 60 * 60 * 1000,
});
