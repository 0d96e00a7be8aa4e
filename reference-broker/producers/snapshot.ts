// The binary form of a producer-state snapshot, which the log writes beside its segments so a
// restart replays only the batches after it. Unlike Kafka's, which keeps only each producer's last
// batch, it keeps all five, so duplicates are still recognised right after a restart. Layout
// (big-endian): version int16 = 1, crc32c uint32 of everything after it, mapEndOffset int64,
// producer count int32, then per producer: producerId int64, producerEpoch int16, lastTimestamp
// int64, batch count int32, and per batch firstSeq int32, lastSeq int32, firstOffset int64,
// lastOffset int64, timestamp int64.
import { crc32c } from "@node-rs/crc32";
import { KconformError } from "../../harness/errors.ts";
import type { ProducerStateSnapshot } from "./producer-state.ts";

/** A snapshot that cannot be trusted; the log falls back to an older one or to a full rebuild. */
export class CorruptProducerSnapshotError extends KconformError {}

const VERSION = 1;
const HEADER_BYTES = 2 + 4;
const PRODUCER_BYTES = 8 + 2 + 8 + 4;
const BATCH_BYTES = 4 + 4 + 8 + 8 + 8;

export function encodeProducerSnapshot(snapshot: ProducerStateSnapshot): Buffer {
  let size = HEADER_BYTES + 8 + 4;
  for (const entry of snapshot.entries) size += PRODUCER_BYTES + entry.batches.length * BATCH_BYTES;
  const buffer = Buffer.alloc(size);
  let at = HEADER_BYTES;
  const int64 = (value: number) => (at = buffer.writeBigInt64BE(BigInt(value), at));
  const int32 = (value: number) => (at = buffer.writeInt32BE(value, at));
  int64(snapshot.mapEndOffset);
  int32(snapshot.entries.length);
  for (const entry of snapshot.entries) {
    int64(entry.producerId);
    at = buffer.writeInt16BE(entry.producerEpoch, at);
    int64(entry.lastTimestamp);
    int32(entry.batches.length);
    for (const batch of entry.batches) {
      int32(batch.firstSeq);
      int32(batch.lastSeq);
      int64(batch.firstOffset);
      int64(batch.lastOffset);
      int64(batch.timestamp);
    }
  }
  buffer.writeInt16BE(VERSION, 0);
  buffer.writeUInt32BE(crc32c(buffer.subarray(HEADER_BYTES)) >>> 0, 2);
  return buffer;
}

export function decodeProducerSnapshot(bytes: Uint8Array): ProducerStateSnapshot {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (reason: string, context: Record<string, unknown> = {}) =>
    new CorruptProducerSnapshotError(`corrupt producer snapshot: ${reason}`, "corrupt-producer-snapshot", { reason, ...context });
  if (buffer.length < HEADER_BYTES + 12) throw corrupt("too short", { length: buffer.length });
  const version = buffer.readInt16BE(0);
  if (version !== VERSION) throw corrupt("unknown version", { version });
  const crc = buffer.readUInt32BE(2);
  const actual = crc32c(buffer.subarray(HEADER_BYTES)) >>> 0;
  if (crc !== actual) throw corrupt("checksum mismatch", { expected: crc, actual });

  let at = HEADER_BYTES;
  const need = (bytes: number) => {
    if (at + bytes > buffer.length) throw corrupt("ends early", { position: at, needed: bytes });
  };
  const int64 = () => {
    need(8);
    const value = buffer.readBigInt64BE(at);
    at += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw corrupt("int64 out of range", { position: at - 8 });
    return Number(value);
  };
  const int32 = () => {
    need(4);
    at += 4;
    return buffer.readInt32BE(at - 4);
  };
  const int16 = () => {
    need(2);
    at += 2;
    return buffer.readInt16BE(at - 2);
  };
  const count = (itemBytes: number) => {
    const n = int32();
    if (n < 0 || n * itemBytes > buffer.length - at) throw corrupt("impossible count", { count: n, position: at - 4 });
    return n;
  };

  const mapEndOffset = int64();
  const producerCount = count(PRODUCER_BYTES);
  const entries: ProducerStateSnapshot["entries"] = [];
  for (let i = 0; i < producerCount; i++) {
    const producerId = int64();
    const producerEpoch = int16();
    const lastTimestamp = int64();
    const batchCount = count(BATCH_BYTES);
    const batches = [];
    for (let j = 0; j < batchCount; j++) {
      batches.push({ firstSeq: int32(), lastSeq: int32(), firstOffset: int64(), lastOffset: int64(), timestamp: int64() });
    }
    entries.push({ producerId, producerEpoch, lastTimestamp, batches });
  }
  if (at !== buffer.length) throw corrupt("trailing bytes", { position: at, length: buffer.length });
  return { mapEndOffset, entries };
}
