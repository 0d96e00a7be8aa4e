// Codec round trips, both snappy framings, and payloads written by Kafka's Java client.
import fc from "fast-check";
import { compressSync as snappyRaw } from "snappy";
import { describe, expect, it } from "vitest";
import { compress, CompressionCodec, decompress } from "./compression.ts";
import { InvalidRecordError, UnsupportedCompressionError } from "./errors.ts";
import { FIXTURE_CODECS, kafkaBatch } from "./fixtures/kafka-batches.ts";
import { RECORDS_OFFSET } from "./record-batch.ts";

const ENCODABLE = [CompressionCodec.none, CompressionCodec.gzip, CompressionCodec.snappy, CompressionCodec.lz4];

describe("compression", () => {
  it("round-trips every encodable codec, empty and multi-block inputs included", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENCODABLE), fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 40 }), (codec, bytes, repeat) => {
        const input = Buffer.concat(Array.from({ length: repeat }, () => Buffer.from(bytes)));
        expect(decompress(codec, compress(codec, input)).equals(input)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("frames snappy like snappy-java: xerial header, 32 KiB blocks each with its length", () => {
    const input = Buffer.alloc(100_000, "abc");
    const framed = compress(CompressionCodec.snappy, input);
    expect(framed.subarray(0, 16).toString("hex")).toBe("82534e415050590000000001" + "00000001");
    let blocks = 0;
    for (let pos = 16; pos < framed.length; pos += 4 + framed.readInt32BE(pos)) blocks++;
    expect(blocks).toBe(4);
    expect(decompress(CompressionCodec.snappy, framed).equals(input)).toBe(true);
  });

  it("decodes raw snappy blocks, as librdkafka writes them", () => {
    const input = Buffer.from("raw snappy, no framing ".repeat(50));
    expect(decompress(CompressionCodec.snappy, snappyRaw(input)).equals(input)).toBe(true);
  });

  it("uses the LZ4 frame format", () => {
    expect(compress(CompressionCodec.lz4, Buffer.from("x")).readUInt32LE(0)).toBe(0x184d2204);
  });

  it.each(FIXTURE_CODECS.filter((c) => c !== "none"))("decodes what Kafka's Java client compressed with %s", (codec) => {
    const large = kafkaBatch(`${codec}-large`);
    const plain = decompress(CompressionCodec[codec], large.subarray(RECORDS_OFFSET));
    expect(plain.length).toBeGreaterThan(64 * 1024);
    expect(plain.includes(Buffer.from("line 96.\nline 0!"))).toBe(true);
  });

  it("reports damaged payloads as INVALID_RECORD", () => {
    for (const codec of [CompressionCodec.gzip, CompressionCodec.snappy, CompressionCodec.lz4, CompressionCodec.zstd]) {
      expect(() => decompress(codec, Buffer.from("definitely not compressed data"))).toThrow(InvalidRecordError);
    }
    const xerial = compress(CompressionCodec.snappy, Buffer.alloc(1000, 1));
    expect(() => decompress(CompressionCodec.snappy, xerial.subarray(0, xerial.length - 3))).toThrow(InvalidRecordError);
    expect(() => decompress(6, Buffer.alloc(4))).toThrow(InvalidRecordError);
  });

  it("has no zstd encoder (node 20), and says so with a typed error", () => {
    expect(() => compress(CompressionCodec.zstd, Buffer.from("x"))).toThrow(UnsupportedCompressionError);
  });
});
