// The record-batch codecs, from well-kept libraries: gzip (node:zlib), snappy (raw blocks, and the
// xerial framing Java and librdkafka's Java-compatible path write), lz4 (the LZ4 frame format Kafka
// uses from magic 2 on) and zstd (decode only: node 20 has no zstd encoder).
import { gunzipSync, gzipSync } from "node:zlib";
import { compressSync as snappyCompress, uncompressSync as snappyUncompress } from "snappy";
import { compressFrameSync as lz4Compress, decompressFrameSync as lz4Decompress } from "lz4-napi";
import { decompress as zstdDecompress } from "fzstd";
import { InvalidRecordError, UnsupportedCompressionError } from "./errors.ts";

/** Codec ids as in the low 3 bits of a batch's attributes. */
export const CompressionCodec = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;
export type CompressionCodec = (typeof CompressionCodec)[keyof typeof CompressionCodec];
export type CompressionName = keyof typeof CompressionCodec;

const NAMES: readonly CompressionName[] = ["none", "gzip", "snappy", "lz4", "zstd"];

export function compressionName(codec: number): CompressionName | undefined {
  return NAMES[codec];
}

/** The stream header of snappy-java's SnappyOutputStream: magic, version 1, compatible version 1. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_SIZE = 16;
/** SnappyOutputStream's default block size, which Kafka's Java producer uses. */
const XERIAL_BLOCK_SIZE = 32 * 1024;

function isXerial(data: Uint8Array): boolean {
  return data.length >= XERIAL_HEADER_SIZE && Buffer.from(data.buffer, data.byteOffset, 8).equals(XERIAL_MAGIC);
}

function xerialDecode(data: Buffer): Buffer {
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_SIZE;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error(`xerial snappy block length cut off at byte ${pos}`);
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || pos + length > data.length) throw new Error(`xerial snappy block of ${length} bytes overruns the data at byte ${pos}`);
    blocks.push(snappyUncompress(data.subarray(pos, pos + length), { asBuffer: true }) as Buffer);
    pos += length;
  }
  return Buffer.concat(blocks);
}

function xerialEncode(data: Uint8Array): Buffer {
  const header = Buffer.alloc(XERIAL_HEADER_SIZE);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(1, 8);
  header.writeInt32BE(1, 12);
  const parts: Buffer[] = [header];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = snappyCompress(data.subarray(pos, Math.min(data.length, pos + XERIAL_BLOCK_SIZE)));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
}

/** Decompresses a batch's records section. A malformed payload is an INVALID_RECORD. */
export function decompress(codec: number, data: Uint8Array): Buffer {
  const input = asBuffer(data);
  try {
    switch (codec) {
      case CompressionCodec.none:
        return input;
      case CompressionCodec.gzip:
        return gunzipSync(input);
      case CompressionCodec.snappy:
        return isXerial(input) ? xerialDecode(input) : (snappyUncompress(input, { asBuffer: true }) as Buffer);
      case CompressionCodec.lz4:
        return lz4Decompress(input);
      case CompressionCodec.zstd:
        return asBuffer(zstdDecompress(input));
    }
  } catch (err) {
    throw new InvalidRecordError(`cannot decompress ${compressionName(codec)} record data: ${(err as Error).message}`, { codec }, { cause: err });
  }
  throw new InvalidRecordError(`unknown compression codec id ${codec}`, { codec });
}

/** Compresses a records section as Kafka's Java producer would frame it. zstd is unsupported. */
export function compress(codec: number, data: Uint8Array): Buffer {
  switch (codec) {
    case CompressionCodec.none:
      return asBuffer(data);
    case CompressionCodec.gzip:
      return gzipSync(data);
    case CompressionCodec.snappy:
      return xerialEncode(data);
    case CompressionCodec.lz4:
      return lz4Compress(asBuffer(data));
    default:
      throw new UnsupportedCompressionError(`cannot compress with ${compressionName(codec) ?? `codec id ${codec}`}: no encoder available`, { codec });
  }
}
