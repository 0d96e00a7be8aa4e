// Record batch v2 against Kafka's own bytes: header fields, CRC-32C, records of every codec, the
// in-place rewrite a leader does, splitting of produce buffers, and builder round trips.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildRecordBatch, type RecordInput } from "./batch-builder.ts";
import { CompressionCodec, type CompressionName } from "./compression.ts";
import { CorruptRecordError, InvalidRecordError } from "./errors.ts";
import { FIXTURE_CODECS, kafkaBatch, largeFixtureValue, SMALL_FIXTURE_RECORDS } from "./fixtures/kafka-batches.ts";
import { ATTRIBUTES_OFFSET, CRC_OFFSET, RecordBatch, RECORDS_OFFSET, splitBatches, type KafkaRecord } from "./record-batch.ts";

function plain(records: KafkaRecord[]) {
  return records.map((r) => ({
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key === null ? null : r.key.toString("utf8"),
    value: r.value === null ? null : r.value.toString("utf8"),
    headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString("utf8") })),
  }));
}

describe("RecordBatch over Kafka's bytes", () => {
  it.each(FIXTURE_CODECS)("reads the header and records of a %s batch", (codec) => {
    const batch = new RecordBatch(kafkaBatch(codec));
    expect(batch.isValid()).toBe(true);
    expect(batch.header()).toMatchObject({
      baseOffset: 0,
      lastOffset: 3,
      partitionLeaderEpoch: 5,
      magic: 2,
      compression: CompressionCodec[codec],
      timestampType: "CreateTime",
      isTransactional: false,
      isControl: false,
      baseTimestamp: 1700000000005,
      maxTimestamp: 1700000000009,
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 17,
      recordsCount: 4,
      sizeInBytes: batch.buffer.length,
    });
    expect(batch.batchLength).toBe(batch.sizeInBytes - 12);
    expect(batch.lastSequence).toBe(20);
    expect(plain(batch.records())).toEqual(SMALL_FIXTURE_RECORDS);
  });

  it.each(FIXTURE_CODECS.filter((c) => c !== "none"))("reads a %s batch whose value spans many compression blocks", (codec) => {
    const records = new RecordBatch(kafkaBatch(`${codec}-large`)).records();
    expect(records.map((r) => r.key?.toString())).toEqual(["big", "small"]);
    expect(records[0].value?.toString()).toBe(largeFixtureValue());
    expect(records[1].value?.toString()).toBe("tail");
  });

  it("reads the transactional flag", () => {
    const batch = new RecordBatch(kafkaBatch("none-transactional"));
    expect(batch.isValid()).toBe(true);
    expect(batch.isTransactional).toBe(true);
    expect(batch.producerId).toBe(77);
    expect(batch.partitionLeaderEpoch).toBe(2);
  });

  it("rewrites offsets, leader epoch and LogAppendTime in place byte for byte as Kafka does", () => {
    const batch = new RecordBatch(kafkaBatch("lz4"));
    batch.setBaseOffset(1000);
    batch.setPartitionLeaderEpoch(9);
    batch.setMaxTimestamp("LogAppendTime", 1700000000999);
    expect(batch.buffer.toString("hex")).toBe(kafkaBatch("lz4-assigned-1000-logappendtime").toString("hex"));
    expect(batch.isValid()).toBe(true);
    expect(batch.records().map((r) => [r.offset, r.timestamp])).toEqual([
      [1000, 1700000000999],
      [1001, 1700000000999],
      [1002, 1700000000999],
      [1003, 1700000000999],
    ]);
  });

  it("leaves the CRC alone when the timestamp does not change", () => {
    const batch = new RecordBatch(kafkaBatch("none"));
    const before = batch.crc;
    batch.setMaxTimestamp("CreateTime", batch.maxTimestamp);
    expect(batch.crc).toBe(before);
  });

  it("detects any flipped bit the CRC covers", () => {
    const original = kafkaBatch("gzip");
    fc.assert(
      fc.property(fc.integer({ min: ATTRIBUTES_OFFSET, max: original.length - 1 }), fc.integer({ min: 0, max: 7 }), (position, bit) => {
        const damaged = Buffer.from(original);
        damaged[position] ^= 1 << bit;
        const batch = new RecordBatch(damaged);
        expect(batch.isValid()).toBe(false);
        expect(() => batch.ensureValid({ topicPartition: "t-0" })).toThrow(CorruptRecordError);
      }),
      { numRuns: 100 },
    );
    const crcDamaged = Buffer.from(original);
    crcDamaged[CRC_OFFSET] ^= 0xff;
    expect(new RecordBatch(crcDamaged).isValid()).toBe(false);
  });

  it("refuses records sections that disagree with recordsCount", () => {
    const bytes = Buffer.from(kafkaBatch("none"));
    bytes.writeInt32BE(5, 57);
    expect(() => new RecordBatch(bytes).records()).toThrow(InvalidRecordError);
    bytes.writeInt32BE(3, 57);
    expect(() => new RecordBatch(bytes).records()).toThrow(/remain after 3 records/);
  });
});

describe("splitBatches", () => {
  const a = kafkaBatch("none");
  const b = kafkaBatch("snappy");

  it("splits back-to-back batches without copying, and leaves a partial tail", () => {
    const records = Buffer.concat([a, b, b.subarray(0, 30)]);
    const { batches, trailingBytes } = splitBatches(records);
    expect(batches.map((x) => x.sizeInBytes)).toEqual([a.length, b.length]);
    expect(trailingBytes).toBe(30);
    expect(batches[1].buffer.buffer).toBe(records.buffer);
    expect(splitBatches(Buffer.alloc(0))).toEqual({ batches: [], trailingBytes: 0 });
  });

  it("treats an impossible length or an unknown magic as corrupt", () => {
    const short = Buffer.from(a);
    short.writeInt32BE(13, 8);
    expect(() => splitBatches(short)).toThrow(CorruptRecordError);
    const magic3 = Buffer.from(a);
    magic3[16] = 3;
    expect(() => splitBatches(magic3)).toThrow(/invalid magic/);
    const tinyV2 = Buffer.from(a.subarray(0, 40));
    tinyV2.writeInt32BE(28, 8);
    expect(() => splitBatches(tinyV2)).toThrow(CorruptRecordError);
  });

  it("returns magic 0 and 1 message sets so the caller can refuse them", () => {
    const legacy = Buffer.alloc(12 + 14 + 20);
    legacy.writeInt32BE(14 + 20, 8);
    legacy[16] = 1;
    const { batches } = splitBatches(legacy);
    expect(batches.map((x) => x.magic)).toEqual([1]);
  });
});

const recordArb: fc.Arbitrary<RecordInput> = fc.record({
  key: fc.option(fc.uint8Array({ maxLength: 40 }).map((x) => Buffer.from(x)), { nil: null }),
  value: fc.option(fc.uint8Array({ maxLength: 400 }).map((x) => Buffer.from(x)), { nil: null }),
  headers: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: fc.option(fc.string({ maxLength: 10 }), { nil: null }) }), { maxLength: 3 }),
  timestamp: fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
});

describe("buildRecordBatch", () => {
  it("writes the same bytes as Kafka's MemoryRecordsBuilder for an uncompressed batch", () => {
    const built = buildRecordBatch({
      records: SMALL_FIXTURE_RECORDS.map((r) => ({ ...r, headers: r.headers })),
      timestamp: 0,
      partitionLeaderEpoch: 5,
      producerId: 4242,
      producerEpoch: 3,
      baseSequence: 17,
    });
    expect(built.toString("hex")).toBe(kafkaBatch("none").toString("hex"));
  });

  it("round-trips records, producer fields and flags through every encodable codec", () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { minLength: 1, maxLength: 12 }),
        fc.constantFrom<CompressionName>("none", "gzip", "snappy", "lz4"),
        fc.boolean(),
        (records, compression, isTransactional) => {
          const bytes = buildRecordBatch({ records, timestamp: 0, compression, producerId: 9, producerEpoch: 1, baseSequence: 100, isTransactional, baseOffset: 50 });
          const { batches, trailingBytes } = splitBatches(bytes);
          expect(trailingBytes).toBe(0);
          const batch = batches[0];
          expect(batch.isValid()).toBe(true);
          expect(batch.compression).toBe(CompressionCodec[compression]);
          expect(batch.isTransactional).toBe(isTransactional);
          expect(batch.lastOffset).toBe(50 + records.length - 1);
          expect(batch.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp!)));
          expect(batch.records().map((r) => [r.offset, r.timestamp, r.key, r.value, r.headers.map((h) => [h.key, h.value?.toString() ?? null])])).toEqual(
            records.map((r, i) => [50 + i, r.timestamp, r.key, r.value, r.headers!.map((h) => [h.key, h.value])]),
          );
        },
      ),
      { numRuns: 80 },
    );
  });

  it("builds LogAppendTime batches whose records report the append time", () => {
    const batch = new RecordBatch(buildRecordBatch({ records: [{ value: "a", timestamp: 5 }, { value: "b", timestamp: 9 }], timestamp: 0, timestampType: "LogAppendTime", logAppendTime: 77 }));
    expect(batch.timestampType).toBe("LogAppendTime");
    expect(batch.records().map((r) => r.timestamp)).toEqual([77, 77]);
  });

  it("has records start right after the 61-byte header", () => {
    const bytes = buildRecordBatch({ records: [{ value: "v" }], timestamp: 1 });
    expect(bytes.length).toBeGreaterThan(RECORDS_OFFSET);
    expect(new RecordBatch(bytes).batchLength).toBe(bytes.length - 12);
  });
});
