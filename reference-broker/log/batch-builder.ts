// Builds magic-2 record batches: for tests, and for the broker's own writes to internal topics
// (committed offsets). Field for field what Kafka's MemoryRecordsBuilder writes.
import { compress, CompressionCodec, type CompressionName } from "./compression.ts";
import {
  BATCH_HEADER_SIZE,
  CRC_OFFSET,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RecordBatch,
  type TimestampType,
} from "./record-batch.ts";
import { ByteWriter } from "./varint.ts";

export type BytesLike = Buffer | Uint8Array | string;

export interface RecordInput {
  key?: BytesLike | null;
  value?: BytesLike | null;
  headers?: readonly { key: string; value?: BytesLike | null }[];
  /** Defaults to the batch's `timestamp`. */
  timestamp?: number;
}

export interface BuildBatchOptions {
  records: readonly RecordInput[];
  /** Timestamp of records that do not carry their own. */
  timestamp: number;
  compression?: CompressionName;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  /** LogAppendTime batches carry logAppendTime as maxTimestamp. */
  timestampType?: TimestampType;
  logAppendTime?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
}

function toBytes(data: BytesLike): Uint8Array {
  return typeof data === "string" ? Buffer.from(data, "utf8") : data;
}

function writeNullable(w: ByteWriter, data: BytesLike | null | undefined): void {
  if (data === null || data === undefined) {
    w.varint(-1);
    return;
  }
  const bytes = toBytes(data);
  w.varint(bytes.length);
  w.bytes(bytes);
}

/** Encodes the records and wraps them in a batch with a correct CRC. */
export function buildRecordBatch(options: BuildBatchOptions): Buffer {
  const { records } = options;
  if (records.length === 0) throw new RangeError("buildRecordBatch: a batch holds at least one record");
  const timestamps = records.map((r) => r.timestamp ?? options.timestamp);
  const baseTimestamp = timestamps[0];
  const timestampType = options.timestampType ?? "CreateTime";
  const maxTimestamp =
    timestampType === "LogAppendTime" ? (options.logAppendTime ?? options.timestamp) : Math.max(...timestamps);

  const body = new ByteWriter();
  const record = new ByteWriter();
  records.forEach((r, i) => {
    record.length = 0;
    record.int8(0);
    record.varlong(timestamps[i] - baseTimestamp);
    record.varint(i);
    writeNullable(record, r.key);
    writeNullable(record, r.value);
    const headers = r.headers ?? [];
    record.varint(headers.length);
    for (const h of headers) {
      const key = Buffer.from(h.key, "utf8");
      record.varint(key.length);
      record.bytes(key);
      writeNullable(record, h.value);
    }
    body.varint(record.length);
    body.bytes(record.view());
  });

  const codec = CompressionCodec[options.compression ?? "none"];
  const payload = compress(codec, body.view());
  const attributes =
    codec | (timestampType === "LogAppendTime" ? 0x08 : 0) | (options.isTransactional ? 0x10 : 0) | (options.isControl ? 0x20 : 0);

  const out = new ByteWriter(BATCH_HEADER_SIZE + payload.length);
  out.int64(options.baseOffset ?? 0);
  out.int32(BATCH_HEADER_SIZE - LOG_OVERHEAD + payload.length);
  out.int32(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH);
  out.int8(CURRENT_MAGIC);
  out.int32(0); // crc, filled in below
  out.int16(attributes);
  out.int32(records.length - 1);
  out.int64(baseTimestamp);
  out.int64(maxTimestamp);
  out.int64(options.producerId ?? NO_PRODUCER_ID);
  out.int16(options.producerEpoch ?? -1);
  out.int32(options.baseSequence ?? NO_SEQUENCE);
  out.int32(records.length);
  out.bytes(payload);
  const batch = Buffer.from(out.view());
  batch.writeUInt32BE(new RecordBatch(batch).computeCrc(), CRC_OFFSET);
  return batch;
}
