// The leader's checks on a produced batch, one rule per case, with the Kafka error each maps to.
import { describe, expect, it } from "vitest";
import { buildRecordBatch, type BuildBatchOptions } from "./batch-builder.ts";
import { validateBatchForLeader, type LeaderValidationContext } from "./batch-validator.ts";
import { InvalidTimestampError, type LogError } from "./errors.ts";
import { kafkaBatch } from "./fixtures/kafka-batches.ts";
import { RecordBatch } from "./record-batch.ts";

const NOW = 1700000000000;
const ctx: LeaderValidationContext = {
  origin: "client",
  timestampType: "CreateTime",
  timestampBeforeMaxMs: Number.MAX_SAFE_INTEGER,
  timestampAfterMaxMs: 3_600_000,
  nowMs: NOW,
  topicPartition: "t-0",
};

function batch(options: Partial<BuildBatchOptions> = {}): RecordBatch {
  return new RecordBatch(buildRecordBatch({ records: [{ value: "a" }, { value: "b", timestamp: NOW + 7 }], timestamp: NOW, ...options }));
}

/** Re-seals a batch after a test edits its header, so only the intended rule is broken. */
function resealed(b: RecordBatch): RecordBatch {
  b.buffer.writeUInt32BE(b.computeCrc(), 17);
  return b;
}

function kafkaErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as LogError).kafkaError;
  }
  return "none";
}

describe("validateBatchForLeader", () => {
  it("accepts a well-formed batch and reports the max timestamp and its record", () => {
    expect(validateBatchForLeader(batch(), ctx)).toEqual({ recordCount: 2, maxTimestamp: NOW + 7, offsetDeltaOfMaxTimestamp: 1 });
    expect(validateBatchForLeader(new RecordBatch(kafkaBatch("zstd")), { ...ctx, nowMs: 1700000000000 }).recordCount).toBe(4);
  });

  it("refuses magic 0 and 1 with INVALID_RECORD (Kafka 4 dropped them)", () => {
    const b = batch();
    b.buffer[16] = 1;
    expect(kafkaErrorOf(() => validateBatchForLeader(b, ctx))).toBe("INVALID_RECORD");
  });

  it("refuses a client batch whose base offset is not 0", () => {
    expect(kafkaErrorOf(() => validateBatchForLeader(batch({ baseOffset: 3 }), ctx))).toBe("INVALID_RECORD");
    expect(kafkaErrorOf(() => validateBatchForLeader(batch({ baseOffset: 3 }), { ...ctx, origin: "coordinator" }))).toBe("none");
  });

  it("answers a CRC mismatch with CORRUPT_MESSAGE", () => {
    const b = batch();
    b.buffer[b.buffer.length - 1] ^= 1;
    expect(kafkaErrorOf(() => validateBatchForLeader(b, ctx))).toBe("CORRUPT_MESSAGE");
  });

  it("answers an unknown codec id with CORRUPT_MESSAGE", () => {
    const b = batch();
    b.buffer.writeInt16BE(6, 21);
    expect(kafkaErrorOf(() => validateBatchForLeader(resealed(b), ctx))).toBe("CORRUPT_MESSAGE");
  });

  it("refuses counts that disagree with lastOffsetDelta", () => {
    const b = batch();
    b.buffer.writeInt32BE(5, 23);
    expect(kafkaErrorOf(() => validateBatchForLeader(resealed(b), ctx))).toBe("INVALID_RECORD");
  });

  it("refuses control batches and missing sequences from clients only", () => {
    expect(kafkaErrorOf(() => validateBatchForLeader(batch({ isControl: true }), ctx))).toBe("INVALID_RECORD");
    expect(kafkaErrorOf(() => validateBatchForLeader(batch({ isControl: true }), { ...ctx, origin: "coordinator" }))).toBe("none");
    expect(kafkaErrorOf(() => validateBatchForLeader(batch({ producerId: 5, producerEpoch: 0, baseSequence: -1 }), ctx))).toBe("INVALID_RECORD");
  });

  it("refuses records whose offset deltas do not count up from 0", () => {
    const b = new RecordBatch(buildRecordBatch({ records: [{ value: "a" }, { value: "b" }], timestamp: NOW }));
    // Second record: its length byte, attributes, a one-byte timestamp delta, then the offset delta.
    const deltaPosition = 61 + 1 + (b.buffer[61] >> 1) + 3;
    expect(b.buffer[deltaPosition]).toBe(0x02);
    b.buffer[deltaPosition] = 0x04;
    expect(() => validateBatchForLeader(resealed(b), ctx)).toThrow(/offset delta 2/);
  });

  it("reports every record outside the timestamp bounds with INVALID_TIMESTAMP", () => {
    const b = new RecordBatch(
      buildRecordBatch({ records: [{ value: "ok" }, { value: "future", timestamp: NOW + 3_600_001 }, { value: "past", timestamp: NOW - 11 }], timestamp: NOW }),
    );
    let error: unknown;
    try {
      validateBatchForLeader(b, { ...ctx, timestampBeforeMaxMs: 10 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidTimestampError);
    expect((error as InvalidTimestampError).recordErrors.map((e) => e.batchIndex)).toEqual([1, 2]);
    expect(kafkaErrorOf(() => validateBatchForLeader(b, { ...ctx, timestampType: "LogAppendTime" }))).toBe("none");
  });

  it("refuses a producer that sets LogAppendTime itself on a LogAppendTime topic", () => {
    const b = batch({ timestampType: "LogAppendTime", logAppendTime: NOW });
    expect(kafkaErrorOf(() => validateBatchForLeader(b, { ...ctx, timestampType: "LogAppendTime" }))).toBe("INVALID_TIMESTAMP");
  });
});
