// What a leader checks in a batch before it assigns offsets (Kafka's LogValidator with the in-place
// path): magic, CRC, offset/count consistency, client restrictions, record structure and the
// timestamp bounds of the topic. Pure: the clock reading comes in as nowMs.
import { CorruptRecordError, InvalidRecordError, InvalidTimestampError } from "./errors.ts";
import { compressionName } from "./compression.ts";
import { CURRENT_MAGIC, NO_TIMESTAMP, type RecordBatch, type TimestampType } from "./record-batch.ts";

/** Who is appending: clients get Kafka's client-only checks; the broker's own writes do not. */
export type AppendOrigin = "client" | "coordinator";

export interface LeaderValidationContext {
  origin: AppendOrigin;
  /** The topic's message.timestamp.type. */
  timestampType: TimestampType;
  timestampBeforeMaxMs: number;
  timestampAfterMaxMs: number;
  nowMs: number;
  /** For error messages: "topic-partition". */
  topicPartition: string;
}

export interface ValidatedBatch {
  recordCount: number;
  /** Largest record timestamp (NO_TIMESTAMP when every record has none). */
  maxTimestamp: number;
  /** offsetDelta of the first record that carries maxTimestamp. */
  offsetDeltaOfMaxTimestamp: number;
}

/**
 * Validates one produced batch. Throws InvalidRecordError, CorruptRecordError or
 * InvalidTimestampError (the latter with every offending record, as Kafka collects them).
 *
 * Deviation: a record whose offsetDelta is not its index is refused with INVALID_RECORD; Kafka
 * re-compresses such a batch (compressed) or stores it unchanged (uncompressed). No client writes one.
 */
export function validateBatchForLeader(batch: RecordBatch, ctx: LeaderValidationContext): ValidatedBatch {
  const where = { topicPartition: ctx.topicPartition };
  if (batch.magic !== CURRENT_MAGIC) {
    throw new InvalidRecordError(`record batches with magic ${batch.magic} are not accepted, only magic ${CURRENT_MAGIC}`, { ...where, magic: batch.magic });
  }
  if (ctx.origin === "client" && batch.baseOffset !== 0) {
    throw new InvalidRecordError(`the baseOffset of the record batch in the append to ${ctx.topicPartition} should be 0, but it is ${batch.baseOffset}`, where);
  }
  batch.ensureValid(where);
  if (compressionName(batch.compression) === undefined) {
    throw new CorruptRecordError(`unknown compression codec id ${batch.compression} in ${ctx.topicPartition}`, { ...where, codec: batch.compression });
  }
  // Kafka checks offsets against the count for clients only; the log's offset arithmetic relies on it
  // for every writer, so the broker's own batches are held to it too.
  const count = batch.recordsCount;
  const countFromOffsets = batch.lastOffsetDelta + 1;
  if (countFromOffsets <= 0) throw new InvalidRecordError(`batch has an invalid offset range: lastOffsetDelta ${batch.lastOffsetDelta} in ${ctx.topicPartition}`, where);
  if (count <= 0) throw new InvalidRecordError(`invalid reported count for record batch: ${count} in ${ctx.topicPartition}`, where);
  if (countFromOffsets !== count) {
    throw new InvalidRecordError(`inconsistent batch offset range (lastOffsetDelta ${batch.lastOffsetDelta}) and count of records ${count} in ${ctx.topicPartition}`, where);
  }
  if (ctx.origin === "client") {
    if (batch.isControl) throw new InvalidRecordError(`clients are not allowed to write control records in ${ctx.topicPartition}`, where);
    if (batch.hasProducerId && batch.baseSequence < 0) {
      throw new InvalidRecordError(`invalid sequence number ${batch.baseSequence} in record batch with producerId ${batch.producerId} in ${ctx.topicPartition}`, where);
    }
  }

  const records = batch.records();
  const batchTimestampType = batch.timestampType;
  let maxTimestamp = NO_TIMESTAMP;
  let offsetDeltaOfMaxTimestamp = -1;
  const timestampErrors: { batchIndex: number; message: string }[] = [];
  records.forEach((record, index) => {
    if (record.offsetDelta !== index) {
      throw new InvalidRecordError(`record ${index} has offset delta ${record.offsetDelta}; deltas must count up from 0 in ${ctx.topicPartition}`, where);
    }
    if (ctx.timestampType === "CreateTime" && record.timestamp !== NO_TIMESTAMP) {
      const difference = ctx.nowMs - record.timestamp;
      if (difference > ctx.timestampBeforeMaxMs || -difference > ctx.timestampAfterMaxMs) {
        timestampErrors.push({
          batchIndex: index,
          message: `timestamp ${record.timestamp} of message with offset ${record.offset} is out of range. The timestamp should be within [${ctx.nowMs - ctx.timestampBeforeMaxMs}, ${ctx.nowMs + ctx.timestampAfterMaxMs}]`,
        });
      }
    } else if (batchTimestampType === "LogAppendTime") {
      timestampErrors.push({ batchIndex: index, message: "invalid timestamp type in message: producer should not set timestamp type to LogAppendTime" });
    }
    if (record.timestamp > maxTimestamp) {
      maxTimestamp = record.timestamp;
      offsetDeltaOfMaxTimestamp = index;
    }
  });
  if (timestampErrors.length > 0) throw new InvalidTimestampError(timestampErrors[0].message, timestampErrors, where);
  return { recordCount: records.length, maxTimestamp, offsetDeltaOfMaxTimestamp };
}
