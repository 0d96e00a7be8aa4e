// Idempotent-producer state: Kafka's sequence and epoch rules, duplicates of the last five batches,
// snapshots and rebuilding from the log.
import { describe, expect, it } from "vitest";
import { ErrorCode } from "./error-codes.ts";
import { ProducerStateManager, rebuildProducerState, type AppendedProducerBatch } from "./producer-state.ts";
import { CorruptProducerSnapshotError, decodeProducerSnapshot, encodeProducerSnapshot } from "./snapshot.ts";
import { incrementSequence, isNextSequence } from "./sequence.ts";

const INT32_MAX = 2147483647;
const options = { topicPartition: "orders-0" };

/** A tiny leader: checks, "writes" at the log end and updates the state, like the produce path. */
class Leader {
  readonly log: AppendedProducerBatch[] = [];
  constructor(readonly state = new ProducerStateManager(options)) {}

  produce(producerId: number, producerEpoch: number, baseSequence: number, records = 1, timestamp = 1_000) {
    const check = this.state.check({ producerId, producerEpoch, baseSequence, lastOffsetDelta: records - 1 });
    if (check.kind !== "append") return check;
    const baseOffset = this.state.mapEndOffset;
    const batch = { producerId, producerEpoch, baseSequence, baseOffset, lastOffset: baseOffset + records - 1, maxTimestamp: timestamp };
    this.log.push(batch);
    this.state.update(batch);
    return { kind: "appended" as const, baseOffset };
  }
}

describe("sequence arithmetic", () => {
  it("wraps from Int32.MAX to 0", () => {
    expect(incrementSequence(5, 3)).toBe(8);
    expect(incrementSequence(INT32_MAX, 1)).toBe(0);
    expect(incrementSequence(INT32_MAX - 1, 3)).toBe(1);
    expect(isNextSequence(INT32_MAX, 0)).toBe(true);
    expect(isNextSequence(4, 6)).toBe(false);
  });
});

describe("checking produced batches", () => {
  it("lets a new producer start at any sequence, then requires the next one", () => {
    const leader = new Leader();
    expect(leader.produce(7, 0, 42, 3)).toEqual({ kind: "appended", baseOffset: 0 });
    expect(leader.produce(7, 0, 45, 2)).toEqual({ kind: "appended", baseOffset: 3 });
    expect(leader.produce(7, 0, 50)).toMatchObject({ kind: "reject", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(leader.produce(7, 0, 46)).toMatchObject({ kind: "reject", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(leader.produce(7, 0, 47)).toEqual({ kind: "appended", baseOffset: 5 });
  });

  it("recognises a retry of any of the last five batches and returns its original offsets", () => {
    const leader = new Leader();
    for (let seq = 0; seq < 6; seq++) leader.produce(1, 0, seq * 2, 2, 100 + seq);
    // Batches 1..5 are remembered; batch 0 (sequences 0-1) has aged out.
    expect(leader.produce(1, 0, 2, 2)).toEqual({ kind: "duplicate", firstOffset: 2, lastOffset: 3, timestamp: 101 });
    expect(leader.produce(1, 0, 10, 2)).toEqual({ kind: "duplicate", firstOffset: 10, lastOffset: 11, timestamp: 105 });
    expect(leader.produce(1, 0, 0, 2)).toMatchObject({ kind: "reject", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    // Same first sequence but a different size is not the same batch.
    expect(leader.produce(1, 0, 10, 1)).toMatchObject({ kind: "reject", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(leader.log).toHaveLength(6);
  });

  it("fences older epochs and requires a new epoch to start at sequence 0", () => {
    const leader = new Leader();
    leader.produce(3, 1, 0, 5);
    expect(leader.produce(3, 0, 5)).toMatchObject({ kind: "reject", errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(leader.produce(3, 2, 5)).toMatchObject({ kind: "reject", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(leader.produce(3, 2, 0)).toEqual({ kind: "appended", baseOffset: 5 });
    // The bump forgot the old epoch's batches: their retries are now fenced, not duplicates.
    expect(leader.produce(3, 1, 0, 5)).toMatchObject({ kind: "reject", errorCode: ErrorCode.INVALID_PRODUCER_EPOCH });
    expect(leader.state.lastEntry(3)).toMatchObject({ producerEpoch: 2, batches: [{ firstSeq: 0, lastSeq: 0, firstOffset: 5 }] });
  });

  it("follows sequences across the Int32.MAX wrap", () => {
    const leader = new Leader();
    expect(leader.produce(9, 0, INT32_MAX - 1, 3)).toMatchObject({ kind: "appended" });
    // Sequences MAX-1, MAX, 0.
    expect(leader.state.lastEntry(9)?.batches[0]).toMatchObject({ firstSeq: INT32_MAX - 1, lastSeq: 0 });
    expect(leader.produce(9, 0, INT32_MAX - 1, 3)).toMatchObject({ kind: "duplicate", firstOffset: 0, lastOffset: 2 });
    expect(leader.produce(9, 0, 2)).toMatchObject({ kind: "reject", errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER });
    expect(leader.produce(9, 0, 1)).toMatchObject({ kind: "appended", baseOffset: 3 });
  });

  it("refuses a negative sequence from an idempotent producer and lets plain batches through", () => {
    const leader = new Leader();
    expect(leader.produce(4, 0, -1)).toMatchObject({ kind: "reject", errorCode: ErrorCode.INVALID_RECORD });
    expect(leader.produce(-1, -1, -1, 4)).toEqual({ kind: "appended", baseOffset: 0 });
    expect(leader.state.activeProducers().size).toBe(0);
    expect(leader.state.mapEndOffset).toBe(4);
  });

  it("forgets producers idle longer than producer.id.expiration.ms", () => {
    const state = new ProducerStateManager({ ...options, producerIdExpirationMs: 1_000 });
    state.update({ producerId: 1, producerEpoch: 0, baseSequence: 0, baseOffset: 0, lastOffset: 0, maxTimestamp: 5_000 });
    state.update({ producerId: 2, producerEpoch: 0, baseSequence: 0, baseOffset: 1, lastOffset: 1, maxTimestamp: 5_500 });
    state.removeExpiredProducers(6_200);
    expect([...state.activeProducers().keys()]).toEqual([2]);
    // A forgotten producer is new again: any sequence is accepted.
    expect(state.check({ producerId: 1, producerEpoch: 0, baseSequence: 17, lastOffsetDelta: 0 })).toEqual({ kind: "append" });
  });
});

describe("snapshots and rebuilding", () => {
  function sampleLeader() {
    const leader = new Leader();
    leader.produce(1, 0, 0, 2);
    leader.produce(2, 3, 100, 1);
    leader.produce(1, 0, 2, 3);
    return leader;
  }

  it("round-trips a snapshot, keeping every remembered batch", () => {
    const { state } = sampleLeader();
    const decoded = decodeProducerSnapshot(encodeProducerSnapshot(state.snapshot()));
    expect(decoded).toEqual(state.snapshot());
    expect(decoded.entries.find((e) => e.producerId === 1)?.batches).toHaveLength(2);
  });

  it("detects corrupt and truncated snapshots", () => {
    const bytes = encodeProducerSnapshot(sampleLeader().state.snapshot());
    const flipped = Buffer.from(bytes);
    flipped[20] ^= 0x40;
    expect(() => decodeProducerSnapshot(flipped)).toThrow(CorruptProducerSnapshotError);
    expect(() => decodeProducerSnapshot(bytes.subarray(0, bytes.length - 3))).toThrow(CorruptProducerSnapshotError);
    expect(() => decodeProducerSnapshot(Buffer.alloc(3))).toThrow(CorruptProducerSnapshotError);
  });

  it("rebuilds from a snapshot plus the batches after it, so retries stay duplicates after a restart", () => {
    const leader = sampleLeader();
    const snapshot = decodeProducerSnapshot(encodeProducerSnapshot(leader.state.snapshot()));
    leader.produce(2, 3, 101, 4);
    const rebuilt = rebuildProducerState({
      options,
      logStartOffset: 0,
      logEndOffset: leader.state.mapEndOffset,
      snapshot,
      batchesFrom: (from) => leader.log.filter((batch) => batch.lastOffset >= from),
      nowMs: 2_000,
    });
    expect(rebuilt.snapshot()).toEqual(leader.state.snapshot());
    expect(rebuilt.check({ producerId: 1, producerEpoch: 0, baseSequence: 0, lastOffsetDelta: 1 })).toMatchObject({ kind: "duplicate", firstOffset: 0 });
  });

  it("ignores a snapshot beyond the log end (after truncation) and rebuilds from the log alone", () => {
    const leader = sampleLeader();
    const late = leader.state.snapshot();
    const truncatedEnd = 2;
    const rebuilt = rebuildProducerState({
      options,
      logStartOffset: 0,
      logEndOffset: truncatedEnd,
      snapshot: late,
      batchesFrom: (from) => leader.log.filter((batch) => batch.lastOffset >= from),
      nowMs: 2_000,
    });
    expect(rebuilt.mapEndOffset).toBe(truncatedEnd);
    expect([...rebuilt.activeProducers().keys()]).toEqual([1]);
    expect(rebuilt.lastEntry(1)?.batches).toEqual([{ firstSeq: 0, lastSeq: 1, firstOffset: 0, lastOffset: 1, timestamp: 1_000 }]);
  });

  it("drops expired producers when loading a snapshot", () => {
    const state = new ProducerStateManager({ ...options, producerIdExpirationMs: 1_000 });
    state.update({ producerId: 1, producerEpoch: 0, baseSequence: 0, baseOffset: 0, lastOffset: 0, maxTimestamp: 0 });
    const loaded = ProducerStateManager.fromSnapshot(state.snapshot(), { ...options, producerIdExpirationMs: 1_000 }, 5_000);
    expect(loaded.activeProducers().size).toBe(0);
    expect(loaded.mapEndOffset).toBe(1);
  });
});
