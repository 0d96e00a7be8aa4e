// The partition log's Kafka semantics, case by case: appends, reads, rolls, retention,
// DeleteRecords, ListOffsets, the leader-epoch cache, truncation, follower appends and flushing.
import { describe, expect, it } from "vitest";
import { MemoryDisk } from "../io/memory-disk.ts";
import { buildRecordBatch } from "./batch-builder.ts";
import { CorruptRecordError, LogClosedError, OffsetOutOfRangeError, UnexpectedAppendOffsetError } from "./errors.ts";
import { clientBatch, openTestLog, readAll, SMALL_SEGMENTS, T0, values } from "./fixtures/partition-logs.ts";
import { DEFAULT_LOG_CONFIG } from "./log-config.ts";
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP, type PartitionLog } from "./partition-log.ts";
import { RecordBatch, splitBatches } from "./record-batch.ts";

/** Appends batches of `perBatch` records named v0, v1, ... and keeps the high watermark at the end. */
function produce(log: PartitionLog, batches: number, perBatch = 1, timestamp = T0, epoch = 0): void {
  for (let i = 0; i < batches; i++) {
    const first = log.logEndOffset;
    log.appendAsLeader(clientBatch(Array.from({ length: perBatch }, (_, j) => `v${first + j}`), timestamp), { leaderEpoch: epoch });
  }
  log.updateHighWatermark(log.logEndOffset);
}

describe("appendAsLeader", () => {
  it("assigns consecutive offsets from the log end and stamps the leader epoch", () => {
    const { log } = openTestLog();
    const first = log.appendAsLeader(clientBatch(["a", "b", "c"], T0), { leaderEpoch: 4 });
    expect(first).toMatchObject({ firstOffset: 0, lastOffset: 2, recordCount: 3, logAppendTime: -1, logStartOffset: 0, maxTimestamp: T0 });
    const second = log.appendAsLeader(clientBatch(["d"], T0 + 5), { leaderEpoch: 4 });
    expect(second).toMatchObject({ firstOffset: 3, lastOffset: 3, offsetOfMaxTimestamp: 3 });
    expect(log.logEndOffset).toBe(4);
    const stored = splitBatches(log.read(0, { maxBytes: 10_000 })).batches;
    expect(stored.map((b) => [b.baseOffset, b.lastOffset, b.partitionLeaderEpoch, b.isValid()])).toEqual([
      [0, 2, 4, true],
      [3, 3, 4, true],
    ]);
    expect(values(readAll(log))).toEqual(["a", "b", "c", "d"]);
  });

  it("stamps the append time on LogAppendTime topics and keeps the CRC right", () => {
    const { log, clock } = openTestLog({ config: { ...SMALL_SEGMENTS, messageTimestampType: "LogAppendTime" } });
    clock.advance(42);
    const info = log.appendAsLeader(clientBatch(["a", "b"], T0 - 1_000_000), { leaderEpoch: 0 });
    expect(info.logAppendTime).toBe(T0 + 42);
    const [stored] = splitBatches(log.read(0, { maxBytes: 10_000 })).batches;
    expect(stored.timestampType).toBe("LogAppendTime");
    expect(stored.isValid()).toBe(true);
    expect(stored.records().map((r) => r.timestamp)).toEqual([T0 + 42, T0 + 42]);
  });

  it("rejects invalid batches without writing anything", () => {
    const { log } = openTestLog();
    const corrupt = clientBatch(["a"], T0);
    corrupt.buffer[corrupt.buffer.length - 1] ^= 1;
    expect(() => log.appendAsLeader(corrupt, { leaderEpoch: 0 })).toThrow(CorruptRecordError);
    expect(log.logEndOffset).toBe(0);
    expect(log.size).toBe(0);
  });
});

describe("read", () => {
  it("starts at the batch holding the fetch offset and returns whole batches within maxBytes", () => {
    const { log } = openTestLog({ config: DEFAULT_LOG_CONFIG });
    produce(log, 5, 3);
    const batchSize = splitBatches(log.read(0, { maxBytes: 1 })).batches[0].sizeInBytes;
    const fromMiddle = splitBatches(log.read(4, { maxBytes: 2 * batchSize + batchSize / 2 }));
    expect(fromMiddle.batches.map((b) => b.baseOffset)).toEqual([3, 6]);
    expect(fromMiddle.trailingBytes).toBe(0);
  });

  it("returns the first batch even when it exceeds maxBytes, unless minOneMessage is off", () => {
    const { log } = openTestLog({ config: DEFAULT_LOG_CONFIG });
    produce(log, 2, 10);
    expect(splitBatches(log.read(0, { maxBytes: 10 })).batches.map((b) => b.baseOffset)).toEqual([0]);
    expect(log.read(0, { maxBytes: 10, minOneMessage: false }).length).toBe(0);
  });

  it("never returns a batch that reaches maxOffset (the high watermark)", () => {
    const { log } = openTestLog({ config: DEFAULT_LOG_CONFIG });
    produce(log, 4, 2);
    expect(splitBatches(log.read(0, { maxBytes: 1 << 20, maxOffset: 5 })).batches.map((b) => b.baseOffset)).toEqual([0, 2]);
    expect(log.read(4, { maxBytes: 1 << 20, maxOffset: 5 }).length).toBe(0);
    expect(log.read(6, { maxBytes: 1 << 20, maxOffset: 6 }).length).toBe(0);
    expect(log.read(8, { maxBytes: 1 << 20 }).length).toBe(0);
  });

  it("answers offsets outside [logStartOffset, logEndOffset] with OFFSET_OUT_OF_RANGE", () => {
    const { log } = openTestLog();
    produce(log, 3);
    expect(() => log.read(4, { maxBytes: 100 })).toThrow(OffsetOutOfRangeError);
    log.deleteRecordsBefore(2);
    expect(() => log.read(1, { maxBytes: 100 })).toThrow(OffsetOutOfRangeError);
    expect(values(readAll(log))).toEqual(["v2"]);
  });

  it("reads one segment at a time, moving to the next when the fetch offset is past a segment's end", () => {
    const { log } = openTestLog();
    produce(log, 30);
    const segments = log.segmentInfos();
    expect(segments.length).toBeGreaterThan(2);
    const second = segments[1];
    const data = splitBatches(log.read(second.baseOffset - 1, { maxBytes: 1 << 20 })).batches;
    expect(data[data.length - 1].nextOffset).toBe(second.baseOffset);
    expect(values(readAll(log))).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`));
  });
});

describe("rolling", () => {
  it("rolls when the active segment would pass segment.bytes", () => {
    const { log } = openTestLog();
    produce(log, 40);
    const segments = log.segmentInfos();
    expect(segments.length).toBeGreaterThan(3);
    for (const s of segments) expect(s.sizeInBytes).toBeLessThanOrEqual(SMALL_SEGMENTS.segmentBytes);
    segments.slice(1).forEach((s, i) => expect(s.baseOffset).toBe(segments[i].nextOffset));
  });

  it("puts a batch larger than segment.bytes alone in a segment", () => {
    const { log } = openTestLog();
    produce(log, 2);
    log.appendAsLeader(clientBatch(["x".repeat(3000)], T0), { leaderEpoch: 0 });
    produce(log, 1);
    expect(log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 2, 3]);
  });

  it("rolls when a batch's timestamp is segment.ms past the segment's first batch", () => {
    const { log } = openTestLog({ config: { ...SMALL_SEGMENTS, segmentBytes: 1 << 20, segmentMs: 1000 } });
    produce(log, 2, 1, T0);
    produce(log, 1, 1, T0 + 1000);
    expect(log.segmentInfos()).toHaveLength(1);
    produce(log, 1, 1, T0 + 1001);
    expect(log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 3]);
  });

  it("measures segment.ms from the segment's creation when batches carry no timestamp", () => {
    const { log, clock } = openTestLog({ config: { ...SMALL_SEGMENTS, segmentBytes: 1 << 20, segmentMs: 1000 } });
    produce(log, 1, 1, -1);
    clock.advance(1001);
    produce(log, 1, 1, -1);
    expect(log.segmentInfos().map((s) => s.baseOffset)).toEqual([0, 1]);
  });

  it("does nothing when asked to roll an empty active segment", () => {
    const { log } = openTestLog();
    log.roll();
    produce(log, 1);
    log.roll();
    log.roll();
    expect(log.segmentInfos().map((s) => [s.baseOffset, s.nextOffset])).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});

describe("retention", () => {
  it("by time deletes segments whose newest record is older than retention.ms, oldest first", () => {
    const { log, clock } = openTestLog({ config: { ...SMALL_SEGMENTS, retentionMs: 10_000 } });
    produce(log, 12, 1, T0);
    const cut = log.logEndOffset;
    log.roll();
    produce(log, 12, 1, T0 + 5_000);
    clock.advance(10_001);
    const deleted = log.deleteOldSegments();
    expect(deleted).toBeGreaterThan(0);
    expect(log.logStartOffset).toBe(cut);
    expect(readAll(log)[0].offset).toBe(cut);
  });

  it("by time deletes the active segment too when all of it expired, and never reuses offsets", () => {
    const { log, clock } = openTestLog({ config: { ...SMALL_SEGMENTS, retentionMs: 10_000 } });
    produce(log, 30, 1, T0);
    clock.advance(10_001);
    log.deleteOldSegments();
    expect(log.segmentInfos()).toEqual([{ baseOffset: 30, nextOffset: 30, sizeInBytes: 0, maxTimestamp: -1 }]);
    expect([log.logStartOffset, log.logEndOffset]).toEqual([30, 30]);
    produce(log, 1, 1, T0 + 10_001);
    expect(readAll(log).map((r) => r.offset)).toEqual([30]);
  });

  it("never deletes past the high watermark", () => {
    const { log, clock } = openTestLog({ config: { ...SMALL_SEGMENTS, retentionMs: 10_000 } });
    produce(log, 30, 1, T0);
    log.updateHighWatermark(5);
    clock.advance(10_001);
    log.deleteOldSegments();
    const first = log.segmentInfos()[0];
    expect(first.baseOffset).toBeLessThanOrEqual(5);
    expect(first.nextOffset).toBeGreaterThan(5);
  });

  it("by size deletes whole oldest segments while the rest stays at or above retention.bytes", () => {
    const { log } = openTestLog();
    produce(log, 40);
    const before = log.segmentInfos();
    const keepBytes = before.slice(2).reduce((sum, s) => sum + s.sizeInBytes, 0);
    log.updateConfig({ ...SMALL_SEGMENTS, retentionBytes: keepBytes });
    expect(log.deleteOldSegments()).toBe(2);
    expect(log.logStartOffset).toBe(before[2].baseOffset);
    log.updateConfig({ ...SMALL_SEGMENTS, retentionBytes: keepBytes - 1 });
    expect(log.deleteOldSegments()).toBe(0);
  });

  it("keeps everything with retention.ms = retention.bytes = -1", () => {
    const { log, clock } = openTestLog();
    produce(log, 40, 1, T0);
    clock.advance(365 * 24 * 3600 * 1000);
    expect(log.deleteOldSegments()).toBe(0);
    expect(readAll(log)).toHaveLength(40);
  });
});

describe("deleteRecordsBefore", () => {
  it("moves the log start offset, deletes segments wholly below it and persists it", () => {
    const t = openTestLog();
    produce(t.log, 40);
    const segments = t.log.segmentInfos();
    const target = segments[2].baseOffset + 1;
    expect(t.log.deleteRecordsBefore(target)).toBe(target);
    expect(t.log.segmentInfos()[0].baseOffset).toBe(segments[2].baseOffset);
    expect(t.log.deleteRecordsBefore(3)).toBe(target);
    expect(t.log.offsetForTimestamp(EARLIEST_TIMESTAMP)?.offset).toBe(target);
    t.log.close();
    expect(t.reopen().logStartOffset).toBe(target);
  });

  it("refuses to go past the high watermark", () => {
    const { log } = openTestLog();
    produce(log, 5);
    log.updateHighWatermark(3);
    expect(() => log.deleteRecordsBefore(4)).toThrow(OffsetOutOfRangeError);
    expect(log.deleteRecordsBefore(3)).toBe(3);
  });
});

describe("offsetForTimestamp", () => {
  it("finds the first record at or after a timestamp, across segments and inside compressed batches", () => {
    const { log } = openTestLog();
    for (let i = 0; i < 20; i++) {
      const records = [0, 1, 2].map((j) => ({ value: `r${i}-${j}`, timestamp: T0 + i * 100 + j * 10 }));
      log.appendAsLeader(new RecordBatch(buildRecordBatch({ records, timestamp: T0, compression: "lz4" })), { leaderEpoch: 1 });
    }
    expect(log.offsetForTimestamp(T0 + 710)).toEqual({ timestamp: T0 + 710, offset: 22, leaderEpoch: 1 });
    expect(log.offsetForTimestamp(T0 + 711)).toEqual({ timestamp: T0 + 720, offset: 23, leaderEpoch: 1 });
    expect(log.offsetForTimestamp(0)?.offset).toBe(0);
    expect(log.offsetForTimestamp(T0 + 10_000)).toBeUndefined();
  });

  it("answers EARLIEST, LATEST and MAX_TIMESTAMP with their leader epochs", () => {
    const { log } = openTestLog();
    log.appendAsLeader(clientBatch(["a"], T0 + 50), { leaderEpoch: 1 });
    log.appendAsLeader(new RecordBatch(buildRecordBatch({ records: [{ value: "b", timestamp: T0 + 10 }, { value: "c", timestamp: T0 + 90 }], timestamp: T0 })), { leaderEpoch: 2 });
    log.appendAsLeader(clientBatch(["d"], T0 + 90), { leaderEpoch: 2 });
    expect(log.offsetForTimestamp(EARLIEST_TIMESTAMP)).toEqual({ timestamp: -1, offset: 0, leaderEpoch: 1 });
    expect(log.offsetForTimestamp(LATEST_TIMESTAMP)).toEqual({ timestamp: -1, offset: 4, leaderEpoch: 2 });
    expect(log.offsetForTimestamp(MAX_TIMESTAMP)).toEqual({ timestamp: T0 + 90, offset: 2, leaderEpoch: 2 });
  });

  it("has no MAX_TIMESTAMP answer for an empty log", () => {
    expect(openTestLog().log.offsetForTimestamp(MAX_TIMESTAMP)).toBeUndefined();
  });
});

describe("leader epochs", () => {
  it("records where each epoch starts and answers OffsetForLeaderEpoch, also after a reopen", () => {
    const t = openTestLog();
    produce(t.log, 3, 2, T0, 0);
    t.log.assignEpochStartOffset(3, t.log.logEndOffset);
    produce(t.log, 2, 2, T0, 3);
    expect(t.log.epochEntries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 6 },
    ]);
    expect(t.log.endOffsetForEpoch(0)).toEqual({ leaderEpoch: 0, endOffset: 6 });
    expect(t.log.endOffsetForEpoch(2)).toEqual({ leaderEpoch: 0, endOffset: 6 });
    expect(t.log.endOffsetForEpoch(3)).toEqual({ leaderEpoch: 3, endOffset: 10 });
    expect(t.log.latestEpoch).toBe(3);
    t.log.close();
    expect(t.reopen().epochEntries()).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 6 },
    ]);
  });
});

describe("truncateTo", () => {
  it("removes the batches at and above the target across segments and continues from there", () => {
    const { log } = openTestLog();
    produce(log, 20, 1, T0, 0);
    produce(log, 20, 1, T0, 1);
    expect(log.truncateTo(15)).toBe(true);
    expect([log.logEndOffset, log.highWatermark]).toEqual([15, 15]);
    expect(log.epochEntries()).toEqual([{ epoch: 0, startOffset: 0 }]);
    expect(log.segmentInfos().at(-1)!.nextOffset).toBe(15);
    produce(log, 1, 1, T0, 2);
    expect(readAll(log).map((r) => r.offset)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(log.truncateTo(100)).toBe(false);
  });

  it("removes a whole batch when the target falls inside it", () => {
    const { log } = openTestLog();
    produce(log, 3, 4);
    log.truncateTo(6);
    expect(log.logEndOffset).toBe(4);
  });

  it("starts over at the target when it is below every segment", () => {
    const { log } = openTestLog();
    produce(log, 40);
    log.deleteRecordsBefore(30);
    log.truncateTo(5);
    expect([log.logStartOffset, log.logEndOffset, log.highWatermark, log.segmentInfos().length]).toEqual([5, 5, 5, 1]);
    expect(log.epochEntries()).toEqual([]);
  });
});

describe("appendAsFollower", () => {
  it("appends the leader's batches as they are and learns their epochs", () => {
    const leader = openTestLog().log;
    produce(leader, 3, 2, T0, 7);
    const follower = openTestLog().log;
    const data = leader.read(0, { maxBytes: 1 << 20 });
    const info = follower.appendAsFollower(Buffer.concat([data, data.subarray(0, 20)]))!;
    expect(info).toMatchObject({ firstOffset: 0, lastOffset: 5, recordCount: 6, validBytes: data.length });
    expect(follower.read(0, { maxBytes: 1 << 20 }).equals(data)).toBe(true);
    expect(follower.epochEntries()).toEqual([{ epoch: 7, startOffset: 0 }]);
    expect(follower.appendAsFollower(Buffer.alloc(0))).toBeUndefined();
  });

  it("refuses batches that do not start at the log end or are damaged", () => {
    const leader = openTestLog().log;
    produce(leader, 3);
    const follower = openTestLog().log;
    expect(() => follower.appendAsFollower(leader.read(1, { maxBytes: 1 << 20 }))).toThrow(UnexpectedAppendOffsetError);
    const data = Buffer.from(leader.read(0, { maxBytes: 1 << 20 }));
    data[data.length - 1] ^= 1;
    expect(() => follower.appendAsFollower(data)).toThrow(CorruptRecordError);
    expect(follower.logEndOffset).toBe(0);
  });
});

describe("flushing and closing", () => {
  it("with flush.messages=1 loses no appended batch in a crash", () => {
    const disk = new MemoryDisk();
    const t = openTestLog({ disk, config: { ...SMALL_SEGMENTS, flushMessages: 1 } });
    produce(t.log, 25);
    disk.crash(() => 0);
    expect(values(readAll(t.reopen()))).toEqual(Array.from({ length: 25 }, (_, i) => `v${i}`));
  });

  it("flushes on flush.ms only when there is unflushed data", () => {
    const disk = new MemoryDisk();
    const t = openTestLog({ disk, config: { ...SMALL_SEGMENTS, flushMs: 1000 } });
    expect(t.log.maybeFlush()).toBe(false);
    produce(t.log, 3);
    t.clock.advance(999);
    expect(t.log.maybeFlush()).toBe(false);
    t.clock.advance(1);
    expect(t.log.maybeFlush()).toBe(true);
    expect(t.log.maybeFlush()).toBe(false);
    disk.crash(() => 0);
    expect(t.reopen().logEndOffset).toBe(3);
  });

  it("reopens after a clean close with the same offsets, data and no recovery", () => {
    const t = openTestLog();
    produce(t.log, 30, 2);
    t.log.deleteRecordsBefore(7);
    t.log.updateHighWatermark(50);
    const before = [t.log.logStartOffset, t.log.logEndOffset, t.log.highWatermark, t.log.segmentInfos()];
    const records = values(readAll(t.log));
    t.log.close();
    const reopened = t.reopen();
    expect([reopened.logStartOffset, reopened.logEndOffset, reopened.highWatermark, reopened.segmentInfos()]).toEqual(before);
    expect(values(readAll(reopened))).toEqual(records);
    expect(t.lines.filter((l) => l.includes("recovery"))).toEqual([]);
  });

  it("refuses use after close and removes its directory on delete", () => {
    const t = openTestLog();
    produce(t.log, 2);
    t.log.close();
    expect(() => t.log.read(0, { maxBytes: 10 })).toThrow(LogClosedError);
    const again = t.reopen();
    again.delete();
    expect(t.disk.exists(t.dir)).toBe(false);
  });

  it("lists stored batch headers from an offset, for producer-state rebuilds", () => {
    const { log } = openTestLog();
    for (let seq = 0; seq < 30; seq += 3) {
      log.appendAsLeader(clientBatch(["a", "b", "c"], T0, { producerId: 11, producerEpoch: 2, baseSequence: seq }), { leaderEpoch: 0 });
    }
    const headers = [...log.batchHeaders(13)];
    expect(headers.map((h) => [h.baseOffset, h.producerId, h.producerEpoch, h.baseSequence, h.lastOffset])).toEqual(
      [12, 15, 18, 21, 24, 27].map((o) => [o, 11, 2, o, o + 2]),
    );
    expect([...log.batchHeaders()]).toHaveLength(10);
  });
});
