// Kafka record batches, magic 2 (DefaultRecordBatch), read and patched in place over the bytes that
// came off the wire or out of a segment: no copies, header fields read on demand. The record format
// inside (varint length, attributes, deltas, key, value, headers) is decoded only when asked.
import { crc32c } from "@node-rs/crc32";
import { compressionName, decompress } from "./compression.ts";
import { CorruptRecordError, InvalidRecordError } from "./errors.ts";
import { ByteReader, readInt64, writeInt64 } from "./varint.ts";

export const BASE_OFFSET_OFFSET = 0;
export const LENGTH_OFFSET = 8;
export const PARTITION_LEADER_EPOCH_OFFSET = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
export const ATTRIBUTES_OFFSET = 21;
export const LAST_OFFSET_DELTA_OFFSET = 23;
export const BASE_TIMESTAMP_OFFSET = 27;
export const MAX_TIMESTAMP_OFFSET = 35;
export const PRODUCER_ID_OFFSET = 43;
export const PRODUCER_EPOCH_OFFSET = 51;
export const BASE_SEQUENCE_OFFSET = 53;
export const RECORDS_COUNT_OFFSET = 57;
export const RECORDS_OFFSET = 61;
/** baseOffset + batchLength: the bytes not counted by batchLength. */
export const LOG_OVERHEAD = 12;
/** Size of a magic-2 batch header (RECORD_BATCH_OVERHEAD). */
export const BATCH_HEADER_SIZE = RECORDS_OFFSET;
/** Bytes needed to see a batch's length and magic. */
export const HEADER_SIZE_UP_TO_MAGIC = MAGIC_OFFSET + 1;
/** The smallest length a batch of any magic may declare (LegacyRecord.RECORD_OVERHEAD_V0). */
const MIN_DECLARED_LENGTH = 14;

const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_MASK = 0x08;
const TRANSACTIONAL_MASK = 0x10;
const CONTROL_MASK = 0x20;

export const CURRENT_MAGIC = 2;
export const NO_TIMESTAMP = -1;
export const NO_PRODUCER_ID = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_SEQUENCE = -1;

export type TimestampType = "CreateTime" | "LogAppendTime";

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One decoded record. key and value are views into the (decompressed) batch data. */
export interface KafkaRecord {
  offset: number;
  offsetDelta: number;
  /** The record's timestamp; for a LogAppendTime batch, the batch's maxTimestamp, as Kafka reports it. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** The header fields of a batch, detached from its bytes (what producer-state rebuilds scan). */
export interface RecordBatchHeader {
  baseOffset: number;
  lastOffset: number;
  partitionLeaderEpoch: number;
  magic: number;
  compression: number;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
  sizeInBytes: number;
}

/** A view over the exact bytes of one batch. Getters read the buffer; setters patch it. */
export class RecordBatch {
  constructor(readonly buffer: Buffer) {}

  get sizeInBytes(): number {
    return this.buffer.length;
  }
  get baseOffset(): number {
    return readInt64(this.buffer, BASE_OFFSET_OFFSET);
  }
  get batchLength(): number {
    return this.buffer.readInt32BE(LENGTH_OFFSET);
  }
  get partitionLeaderEpoch(): number {
    return this.buffer.readInt32BE(PARTITION_LEADER_EPOCH_OFFSET);
  }
  get magic(): number {
    return this.buffer.readInt8(MAGIC_OFFSET);
  }
  get crc(): number {
    return this.buffer.readUInt32BE(CRC_OFFSET);
  }
  get attributes(): number {
    return this.buffer.readInt16BE(ATTRIBUTES_OFFSET);
  }
  /** Codec id (CompressionCodec); 5..7 are not codecs and fail validation. */
  get compression(): number {
    return this.attributes & COMPRESSION_MASK;
  }
  get timestampType(): TimestampType {
    return this.attributes & TIMESTAMP_TYPE_MASK ? "LogAppendTime" : "CreateTime";
  }
  get isTransactional(): boolean {
    return (this.attributes & TRANSACTIONAL_MASK) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & CONTROL_MASK) !== 0;
  }
  get lastOffsetDelta(): number {
    return this.buffer.readInt32BE(LAST_OFFSET_DELTA_OFFSET);
  }
  get lastOffset(): number {
    return this.baseOffset + this.lastOffsetDelta;
  }
  /** The offset after this batch. */
  get nextOffset(): number {
    return this.lastOffset + 1;
  }
  /** The first record's timestamp (Kafka 2.x calls it firstTimestamp). */
  get baseTimestamp(): number {
    return readInt64(this.buffer, BASE_TIMESTAMP_OFFSET);
  }
  get maxTimestamp(): number {
    return readInt64(this.buffer, MAX_TIMESTAMP_OFFSET);
  }
  get producerId(): number {
    return readInt64(this.buffer, PRODUCER_ID_OFFSET);
  }
  get producerEpoch(): number {
    return this.buffer.readInt16BE(PRODUCER_EPOCH_OFFSET);
  }
  get baseSequence(): number {
    return this.buffer.readInt32BE(BASE_SEQUENCE_OFFSET);
  }
  /** Sequence of the last record; sequences wrap from Int32 max to 0 as in Kafka. */
  get lastSequence(): number {
    const base = this.baseSequence;
    if (base === NO_SEQUENCE) return NO_SEQUENCE;
    const last = base + this.lastOffsetDelta;
    return last > 0x7fffffff ? last - 0x80000000 : last;
  }
  get hasProducerId(): boolean {
    return this.producerId > NO_PRODUCER_ID;
  }
  get recordsCount(): number {
    return this.buffer.readInt32BE(RECORDS_COUNT_OFFSET);
  }

  header(): RecordBatchHeader {
    return {
      baseOffset: this.baseOffset,
      lastOffset: this.lastOffset,
      partitionLeaderEpoch: this.partitionLeaderEpoch,
      magic: this.magic,
      compression: this.compression,
      timestampType: this.timestampType,
      isTransactional: this.isTransactional,
      isControl: this.isControl,
      baseTimestamp: this.baseTimestamp,
      maxTimestamp: this.maxTimestamp,
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence: this.baseSequence,
      recordsCount: this.recordsCount,
      sizeInBytes: this.sizeInBytes,
    };
  }

  /** CRC-32C over attributes..end, the bytes the stored crc covers. */
  computeCrc(): number {
    return crc32c(this.buffer.subarray(ATTRIBUTES_OFFSET)) >>> 0;
  }

  isValid(): boolean {
    return this.sizeInBytes >= BATCH_HEADER_SIZE && this.magic === CURRENT_MAGIC && this.crc === this.computeCrc();
  }

  /** Throws CorruptRecordError unless size, magic and CRC are right (Kafka's ensureValid). */
  ensureValid(context: Record<string, unknown> = {}): void {
    if (this.sizeInBytes < BATCH_HEADER_SIZE) {
      throw new CorruptRecordError(`record batch is ${this.sizeInBytes} bytes, smaller than its ${BATCH_HEADER_SIZE}-byte header`, context);
    }
    const stored = this.crc;
    const computed = this.computeCrc();
    if (stored !== computed) {
      throw new CorruptRecordError(`record is corrupt (stored crc = ${stored}, computed crc = ${computed})`, {
        ...context,
        baseOffset: this.baseOffset,
        storedCrc: stored,
        computedCrc: computed,
      });
    }
  }

  setBaseOffset(offset: number): void {
    writeInt64(this.buffer, BASE_OFFSET_OFFSET, offset);
  }

  setPartitionLeaderEpoch(epoch: number): void {
    this.buffer.writeInt32BE(epoch, PARTITION_LEADER_EPOCH_OFFSET);
  }

  /**
   * Sets the timestamp type bit and maxTimestamp, re-computing the CRC they are covered by; a no-op
   * when both already hold (Kafka's DefaultRecordBatch.setMaxTimestamp).
   */
  setMaxTimestamp(type: TimestampType, maxTimestamp: number): void {
    if (this.timestampType === type && this.maxTimestamp === maxTimestamp) return;
    const attributes = this.attributes;
    const updated = type === "LogAppendTime" ? attributes | TIMESTAMP_TYPE_MASK : attributes & ~TIMESTAMP_TYPE_MASK;
    this.buffer.writeInt16BE(updated, ATTRIBUTES_OFFSET);
    writeInt64(this.buffer, MAX_TIMESTAMP_OFFSET, maxTimestamp);
    this.buffer.writeUInt32BE(this.computeCrc(), CRC_OFFSET);
  }

  /**
   * Decompresses and decodes every record. Throws InvalidRecordError when the records section is
   * malformed or holds a different number of records than recordsCount declares.
   */
  records(): KafkaRecord[] {
    const codec = this.compression;
    if (compressionName(codec) === undefined) {
      throw new InvalidRecordError(`unknown compression codec id ${codec}`, { baseOffset: this.baseOffset, codec });
    }
    const data = decompress(codec, this.buffer.subarray(RECORDS_OFFSET));
    const count = this.recordsCount;
    if (count < 0) throw new InvalidRecordError(`record batch declares ${count} records`, { baseOffset: this.baseOffset });
    const baseOffset = this.baseOffset;
    const baseTimestamp = this.baseTimestamp;
    const logAppendTime = this.timestampType === "LogAppendTime" ? this.maxTimestamp : undefined;
    const reader = new ByteReader(data, 0);
    const out: KafkaRecord[] = [];
    for (let i = 0; i < count; i++) {
      out.push(readRecord(reader, baseOffset, baseTimestamp, logAppendTime));
    }
    if (reader.remaining() !== 0) {
      throw new InvalidRecordError(`incorrect declared batch size: ${reader.remaining()} bytes remain after ${count} records`, {
        baseOffset,
        recordsCount: count,
      });
    }
    return out;
  }
}

function readRecord(reader: ByteReader, baseOffset: number, baseTimestamp: number, logAppendTime: number | undefined): KafkaRecord {
  const length = reader.varint();
  if (length < 0) throw new InvalidRecordError(`invalid record size ${length}`, { position: reader.pos });
  const start = reader.pos;
  const end = start + length;
  if (end > reader.end) throw new InvalidRecordError(`record of ${length} bytes runs past the batch`, { position: start });
  const r = new ByteReader(reader.buf, start, end);
  r.int8(); // record attributes: unused by magic 2
  const timestampDelta = r.varlong();
  const offsetDelta = r.varint();
  const key = nullableBytes(r);
  const value = nullableBytes(r);
  const headerCount = r.varint();
  if (headerCount < 0) throw new InvalidRecordError(`found invalid number of record headers: ${headerCount}`, { position: r.pos });
  const headers: RecordHeader[] = [];
  for (let h = 0; h < headerCount; h++) {
    const keyLength = r.varint();
    if (keyLength < 0) throw new InvalidRecordError(`invalid negative header key size ${keyLength}`, { position: r.pos });
    const headerKey = r.bytes(keyLength).toString("utf8");
    headers.push({ key: headerKey, value: nullableBytes(r) });
  }
  if (r.pos !== end) {
    throw new InvalidRecordError(`invalid record size: expected to read ${length} bytes in record payload, but instead read ${r.pos - start}`, {
      position: start,
    });
  }
  reader.pos = end;
  return {
    offset: baseOffset + offsetDelta,
    offsetDelta,
    timestamp: logAppendTime ?? baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}

function nullableBytes(r: ByteReader): Buffer | null {
  const length = r.varint();
  return length < 0 ? null : r.bytes(length);
}

/** The batches found in a records buffer, plus the bytes of a trailing partial batch. */
export interface SplitBatches {
  batches: RecordBatch[];
  /** Bytes after the last complete batch (Kafka ignores a partial trailing batch). */
  trailingBytes: number;
}

/**
 * Splits a produce or fetch `records` buffer into batches, as Kafka's ByteBufferLogInputStream does:
 * a declared length below the minimum or a magic above 2 is corrupt; a partial batch at the end is
 * left over. Batches of magic 0 and 1 are returned too, so the caller can refuse them by magic.
 */
export function splitBatches(records: Buffer): SplitBatches {
  const batches: RecordBatch[] = [];
  let pos = 0;
  while (records.length - pos >= LOG_OVERHEAD) {
    const declared = records.readInt32BE(pos + LENGTH_OFFSET);
    if (declared < MIN_DECLARED_LENGTH) {
      throw new CorruptRecordError(`record size ${declared} is less than the minimum record overhead (${MIN_DECLARED_LENGTH})`, { position: pos });
    }
    if (records.length - pos < HEADER_SIZE_UP_TO_MAGIC) break;
    const magic = records.readInt8(pos + MAGIC_OFFSET);
    if (magic < 0 || magic > CURRENT_MAGIC) throw new CorruptRecordError(`invalid magic found in record: ${magic}`, { position: pos });
    const size = declared + LOG_OVERHEAD;
    if (records.length - pos < size) break;
    if (magic === CURRENT_MAGIC && size < BATCH_HEADER_SIZE) {
      throw new CorruptRecordError(`record batch is ${size} bytes, smaller than its ${BATCH_HEADER_SIZE}-byte header`, { position: pos });
    }
    batches.push(new RecordBatch(records.subarray(pos, pos + size)));
    pos += size;
  }
  return { batches, trailingBytes: records.length - pos };
}
