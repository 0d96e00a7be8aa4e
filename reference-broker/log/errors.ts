// Typed failures of record batches and the partition log. Each names the Kafka error code the
// broker answers with, so the mapping to the wire happens once, at the edge.
import { KconformError } from "../../harness/errors.ts";

export type KafkaErrorName =
  | "CORRUPT_MESSAGE"
  | "INVALID_RECORD"
  | "INVALID_TIMESTAMP"
  | "OFFSET_OUT_OF_RANGE"
  | "UNSUPPORTED_COMPRESSION_TYPE"
  | "UNKNOWN_SERVER_ERROR"
  | "KAFKA_STORAGE_ERROR";

export abstract class LogError extends KconformError {
  abstract readonly kafkaError: KafkaErrorName;
}

/** The batch's bytes are damaged: CRC mismatch, impossible length, unknown magic or codec. */
export class CorruptRecordError extends LogError {
  readonly kafkaError = "CORRUPT_MESSAGE";
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, "corrupt-message", context);
  }
}

/** The batch is intact but breaks a rule: wrong magic, count mismatch, control batch from a client. */
export class InvalidRecordError extends LogError {
  readonly kafkaError = "INVALID_RECORD";
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, "invalid-record", context, options);
  }
}

/** A record timestamp outside message.timestamp.{before,after}.max.ms, or LogAppendTime set by a producer. */
export class InvalidTimestampError extends LogError {
  readonly kafkaError = "INVALID_TIMESTAMP";
  constructor(
    message: string,
    /** Every offending record, for Produce's record_errors (batchIndex is the record's index). */
    readonly recordErrors: readonly { batchIndex: number; message: string }[],
    context: Record<string, unknown> = {},
  ) {
    super(message, "invalid-timestamp", { ...context, recordErrors });
  }
}

/** A codec this broker cannot produce (zstd: node 20 has no encoder, only a decoder). */
export class UnsupportedCompressionError extends LogError {
  readonly kafkaError = "UNSUPPORTED_COMPRESSION_TYPE";
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, "unsupported-compression", context);
  }
}

/** A read or DeleteRecords outside [logStartOffset, logEndOffset] (or above the high watermark). */
export class OffsetOutOfRangeError extends LogError {
  readonly kafkaError = "OFFSET_OUT_OF_RANGE";
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, "offset-out-of-range", context);
  }
}

/**
 * A follower append whose first offset is not the log end offset. The replica fetcher resolves it
 * (Kafka: UnexpectedAppendOffsetException), typically with truncateFullyAndStartAt(firstOffset).
 */
export class UnexpectedAppendOffsetError extends LogError {
  readonly kafkaError = "UNKNOWN_SERVER_ERROR";
  constructor(
    message: string,
    readonly firstOffset: number,
    readonly logEndOffset: number,
    context: Record<string, unknown> = {},
  ) {
    super(message, "unexpected-append-offset", { ...context, firstOffset, logEndOffset });
  }
}

/** The log was closed or deleted (partition moved away, topic deleted, broker shutting down). */
export class LogClosedError extends LogError {
  readonly kafkaError = "KAFKA_STORAGE_ERROR";
  constructor(message: string, context: Record<string, unknown> = {}) {
    super(message, "log-closed", context);
  }
}
