// What the retention specs share: they write records into a one-partition topic whose segments
// roll per record, predict the first record retention keeps, then watch the log start offset reach
// that record and stay there through a further retention check, and read the retained records back.
import kafkajs, { type Admin } from "kafkajs";
import { setTimeout as sleep } from "node:timers/promises";
import type { SpecContext, SpecTarget } from "../spec.ts";
import { readTopic, withTopic, sendInOrder, SpecSetupError, withAdmin, withProducer, type ReadRecord, type SpecRecord } from "./clients.ts";
import { ackedNotReadBack, describeRecord, replicationFactorFor, throwIfViolated, type AckedRecord } from "./records.ts";

// Node cannot see ConfigResourceTypes among kafkajs's CommonJS exports by name, only on the module object.
const { ConfigResourceTypes } = kafkajs;

export const RETENTION_CHECK_SETTING = "log.retention.check.interval.ms";
/** Kafka's delay before a broker's first retention check (30 s by default); not every broker has it. */
export const INITIAL_DELAY_SETTING = "log.initial.task.delay.ms";
/** Retention checks further apart (or first delayed longer) than this would not fit a spec's time budget. */
export const MAX_RETENTION_CHECK_MS = 2_000;
/**
 * segment.ms for the specs' topics. A segment rolls when a record's timestamp is more than this
 * past the segment's first record's, so records written an hour or more apart each get a segment
 * of their own and retention can delete them one by one.
 */
export const SEGMENT_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/**
 * The longest retention check interval among the target's brokers. Refused (the spec's verdict is
 * then unknown, not failed) when the brokers check too rarely, or wait too long before their first
 * check, for a spec to see retention act within its budget.
 */
export async function retentionCheckIntervalMs(target: SpecTarget): Promise<number> {
  return withAdmin(target, async (admin) => {
    const { brokers } = await admin.describeCluster();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: brokers.map((broker) => ({ type: ConfigResourceTypes.BROKER, name: String(broker.nodeId), configNames: [RETENTION_CHECK_SETTING, INITIAL_DELAY_SETTING] })),
    });
    const longest = (name: string) => Math.max(0, ...described.resources.map((r) => Number(r.configEntries.find((e) => e.configName === name)?.configValue ?? Number.NaN)).filter(Number.isFinite));
    const intervalMs = longest(RETENTION_CHECK_SETTING);
    if (intervalMs === 0) throw new SpecSetupError(`the brokers did not describe ${RETENTION_CHECK_SETTING}`, "retention-check-unknown", { brokers: brokers.map((b) => b.nodeId) });
    const initialDelayMs = longest(INITIAL_DELAY_SETTING);
    if (intervalMs > MAX_RETENTION_CHECK_MS || initialDelayMs > MAX_RETENTION_CHECK_MS) {
      throw new SpecSetupError(
        `the brokers enforce retention every ${intervalMs} ms (${RETENTION_CHECK_SETTING}), the first time after ${initialDelayMs} ms (${INITIAL_DELAY_SETTING}); the retention specs need both at most ${MAX_RETENTION_CHECK_MS} ms to see retention act`,
        "retention-check-too-slow",
        { intervalMs, initialDelayMs },
      );
    }
    return intervalMs;
  });
}

const zigzagVarintBytes = (n: number): number => {
  let zigzag = n >= 0 ? 2 * n : -2 * n - 1;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag = Math.floor(zigzag / 0x80);
    bytes++;
  }
  return bytes;
};

/** A v2 record batch's fixed fields: base offset to record count. */
const RECORD_BATCH_HEADER_BYTES = 61;

/**
 * The bytes a v2 record batch holding just this record (uncompressed, no headers) takes in the
 * log, which is what retention.bytes counts: the batch header, then the record's length, its
 * attributes, timestamp and offset deltas (0), key, value and header count.
 */
export function singleRecordBatchBytes(key: string | null, value: string): number {
  const keyLength = key === null ? -1 : Buffer.byteLength(key, "utf8");
  const valueLength = Buffer.byteLength(value, "utf8");
  const body = 1 + 1 + 1 + zigzagVarintBytes(keyLength) + Math.max(0, keyLength) + zigzagVarintBytes(valueLength) + valueLength + 1;
  return RECORD_BATCH_HEADER_BYTES + zigzagVarintBytes(body) + body;
}

/** What one retention spec run writes, and what retention must leave of it. */
export interface RetentionPlan {
  /** Topic configs: retention.ms, retention.bytes, segment.ms. */
  config: Record<string, string>;
  /** In offset order, with the CreateTime timestamps the run gives them. */
  records: SpecRecord[];
  /** Index of the first record retention keeps; records.length when it deletes them all. */
  firstRetained: number;
  /** Why record `index` is deleted or kept, for the evidence. */
  explain(index: number): string;
}

/** The log start and end offsets of the partition at one moment of the watch. */
export interface LogStartSample {
  elapsedMs: number;
  start: number;
  end: number;
}

const POLL_MS = 100;

async function sampleOffsets(admin: Admin, topic: string, began: number): Promise<LogStartSample> {
  const [offsets] = await admin.fetchTopicOffsets(topic);
  return { elapsedMs: Math.round(performance.now() - began), start: Number(offsets.low), end: Number(offsets.high) };
}

/**
 * Samples the log start offset until it has stayed at `expectedStart` for `holdMs`, went past it,
 * or did not reach it within `reachWithinMs`.
 */
export async function watchLogStart(target: SpecTarget, topic: string, expectedStart: number, timing: { reachWithinMs: number; holdMs: number }): Promise<LogStartSample[]> {
  return withAdmin(target, async (admin) => {
    const began = performance.now();
    const samples: LogStartSample[] = [];
    let reachedAtMs: number | undefined;
    for (;;) {
      const sample = await sampleOffsets(admin, topic, began);
      samples.push(sample);
      if (sample.start > expectedStart) return samples;
      reachedAtMs = sample.start === expectedStart ? (reachedAtMs ?? sample.elapsedMs) : undefined;
      if (reachedAtMs !== undefined && sample.elapsedMs - reachedAtMs >= timing.holdMs) return samples;
      if (reachedAtMs === undefined && sample.elapsedMs >= timing.reachWithinMs) return samples;
      await sleep(POLL_MS);
    }
  });
}

/** The log start offset retention must end at: the first retained record's, or the end offset. */
export function expectedLogStart(acked: readonly AckedRecord[], firstRetained: number): number {
  return firstRetained < acked.length ? acked[firstRetained].offset : (acked.at(-1)?.offset ?? -1) + 1;
}

/**
 * The log start offset moves only forward, never past the first retained record, and reaches it;
 * the end offset stays where the writes left it.
 */
export function logStartViolations(acked: readonly AckedRecord[], plan: Pick<RetentionPlan, "firstRetained" | "explain">, samples: readonly LogStartSample[]): string[] {
  const endOffset = (acked.at(-1)?.offset ?? -1) + 1;
  const expectedStart = expectedLogStart(acked, plan.firstRetained);
  const recordAt = (offset: number) => acked.findIndex((r) => r.offset === offset);
  const violations: string[] = [];
  for (const [i, sample] of samples.entries()) {
    const before = samples[i - 1];
    if (sample.end !== endOffset) violations.push(`after ${sample.elapsedMs} ms the end offset was ${sample.end}, but the writes ended at ${endOffset} and nothing else was written`);
    if (before !== undefined && sample.start < before.start) violations.push(`the log start offset went back from ${before.start} to ${sample.start} after ${sample.elapsedMs} ms`);
  }
  const past = samples.find((s) => s.start > expectedStart);
  if (past !== undefined) {
    const kept = recordAt(expectedStart);
    const why = kept >= 0 ? `${describeRecord(acked[kept])} at offset ${expectedStart} ${plan.explain(kept)}` : `the end offset is ${endOffset}`;
    violations.push(`after ${past.elapsedMs} ms the log start offset was ${past.start}, deleting offsets ${expectedStart}..${past.start - 1} too early: ${why}`);
  }
  const last = samples.at(-1);
  if (last !== undefined && last.start < expectedStart) {
    const due = recordAt(last.start);
    const which = due >= 0 ? `${describeRecord(acked[due])} at offset ${last.start} ${plan.explain(due)}` : `offsets ${last.start}..${expectedStart - 1} are past retention`;
    violations.push(`after ${last.elapsedMs} ms the log start offset was still ${last.start}, not ${expectedStart}: ${which}`);
  }
  return violations;
}

/** The retained records are read back whole, and nothing below the log start offset is. */
export function retainedNotReadBack(acked: readonly AckedRecord[], firstRetained: number, read: ReadonlyMap<number, readonly ReadRecord[]>): string[] {
  const retained = acked.slice(firstRetained);
  const deletedOffsets = new Set(acked.slice(0, firstRetained).map((r) => r.offset));
  const resurrected = [...read.values()].flat().filter((r) => deletedOffsets.has(r.offset));
  return [...ackedNotReadBack(retained, read), ...resurrected.map((r) => `${describeRecord(r)} at offset ${r.offset} was read back although retention had deleted it`)];
}

/** Writes the plan's records, watches retention act on them, reads back what is left; throws with the evidence. */
export async function checkRetention(spec: string, context: SpecContext, plan: RetentionPlan): Promise<void> {
  const { target } = context;
  const intervalMs = await retentionCheckIntervalMs(target);
  const topic = context.unique("t");
  await withTopic(target, topic, { partitions: 1, replicationFactor: await replicationFactorFor(target), config: plan.config }, async () => {
    const records = plan.records.map((record) => ({ ...record, partition: 0 }));
    const acked = await withProducer(target, { allowAutoTopicCreation: false }, async (producer) => {
      const placed = await sendInOrder(producer, topic, records);
      return records.map((record, i) => ({ key: record.key, value: record.value, timestamp: record.timestamp, ...placed[i] }));
    });
    const expectedStart = expectedLogStart(acked, plan.firstRetained);
    // A check always falls within an interval of the writes (plus the time the high watermark needs
    // to pass them); holding an interval more shows a later check keeps what it should keep.
    const samples = await watchLogStart(target, topic, expectedStart, { reachWithinMs: 2 * intervalMs + 2_000, holdMs: intervalMs + 2 * POLL_MS });
    const read = await readTopic(target, topic, { groupId: context.unique("reader") });
    throwIfViolated(spec, [...logStartViolations(acked, plan, samples), ...retainedNotReadBack(acked, plan.firstRetained, read)], { topic, config: plan.config, intervalMs });
  });
}
