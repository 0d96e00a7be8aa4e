// kafkajs plumbing every spec shares: clients for the spec's target, a topic that exists for the
// length of one property run, sends whose offsets come back, and a read of a whole topic from
// its beginning to the end offsets as they stood when the read began.
import { setTimeout as sleep } from "node:timers/promises";
import { CompressionTypes, Kafka, logLevel, type Admin, type ITopicConfig, type Producer, type ProducerConfig } from "kafkajs";
import { detouringSocketFactory } from "../../harness/clients/kafkajs/config.ts";
import { kafkaJsConfig } from "../../harness/targets/external/kafkajs-config.ts";
import { KconformError } from "../../harness/errors.ts";
import type { SpecTarget } from "../spec.ts";
import { topicServedByEveryBroker } from "./brokers.ts";

/** A spec could not set up what it needs (topic not served, read never completed): not a verdict on the guarantee. */
export class SpecSetupError extends KconformError {}

export function kafkaFor(target: SpecTarget, clientId: string, options: { requestTimeoutMs?: number; retries?: number } = {}): Kafka {
  const { detours } = target.access;
  return new Kafka(
    kafkaJsConfig(target.access, {
      clientId,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: options.retries ?? 8 },
      ...(detours !== undefined && detours.size > 0 ? { socketFactory: detouringSocketFactory(detours) } : {}),
    }),
  );
}

export async function withAdmin<T>(target: SpecTarget, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaFor(target, "kconform-spec-admin").admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

export async function withProducer<T>(target: SpecTarget, config: ProducerConfig, use: (producer: Producer) => Promise<T>): Promise<T> {
  const producer = kafkaFor(target, "kconform-spec-producer").producer(config);
  await producer.connect();
  try {
    return await use(producer);
  } finally {
    await producer.disconnect();
  }
}

export interface TopicShape {
  partitions: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

/**
 * Creates the topic and returns once every broker, asked on its own, lists it with a leader for
 * each partition: clients pick any broker for metadata, and one that has not applied the topic yet
 * answers UNKNOWN_TOPIC_OR_PARTITION, which kafkajs does not retry everywhere (consumer subscribe).
 */
export async function createTopic(target: SpecTarget, topic: string, shape: TopicShape, timeoutMs = 30_000): Promise<void> {
  await withAdmin(target, async (admin) => {
    const configEntries: ITopicConfig["configEntries"] = Object.entries(shape.config ?? {}).map(([name, value]) => ({ name, value }));
    await admin.createTopics({
      waitForLeaders: false,
      timeout: timeoutMs,
      topics: [{ topic, numPartitions: shape.partitions, replicationFactor: shape.replicationFactor ?? 1, configEntries }],
    });
  });
  await topicServedByEveryBroker(target, topic, shape.partitions, timeoutMs);
}

/** Deletes the topic; a spec's clean-up, so a failure to delete never hides the spec's verdict. */
export async function deleteTopicQuietly(target: SpecTarget, topic: string): Promise<void> {
  await withAdmin(target, (admin) => admin.deleteTopics({ topics: [topic], timeout: 10_000 })).catch(() => undefined);
}

/** Runs `use` with a fresh topic of this shape, deleted afterwards whatever happens. */
export async function withTopic<T>(target: SpecTarget, topic: string, shape: TopicShape, use: (topic: string) => Promise<T>): Promise<T> {
  await createTopic(target, topic, shape);
  try {
    return await use(topic);
  } finally {
    await deleteTopicQuietly(target, topic);
  }
}

export interface SpecRecord {
  key: string | null;
  value: string;
  /** Where the producer asked it to go; the partitioner decides when absent. */
  partition?: number;
  timestamp?: number;
}

export interface Placed {
  partition: number;
  offset: number;
}

/**
 * Sends the records one produce call each, in order, and returns where each was written. One
 * record per call keeps kafkajs from splitting a call across partitions (see harness/clients/kafkajs/producer.ts).
 */
export async function sendInOrder(producer: Producer, topic: string, records: readonly SpecRecord[], acks: -1 | 0 | 1 = -1): Promise<Placed[]> {
  const placed: Placed[] = [];
  for (const record of records) {
    const [meta] = await producer.send({
      topic,
      acks,
      compression: CompressionTypes.None,
      messages: [{ key: record.key, value: record.value, ...(record.partition !== undefined ? { partition: record.partition } : {}), ...(record.timestamp !== undefined ? { timestamp: String(record.timestamp) } : {}) }],
    });
    placed.push({ partition: meta.partition, offset: Number(meta.baseOffset ?? meta.offset ?? -1) });
  }
  return placed;
}

export interface ReadRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  timestamp: number;
}

/** Partition → [log start offset, end offset) as the leaders report them now. */
export async function offsetRanges(target: SpecTarget, topic: string): Promise<Map<number, { start: number; end: number }>> {
  return withAdmin(target, async (admin) => {
    const ends = await admin.fetchTopicOffsets(topic);
    return new Map(ends.map((p) => [p.partition, { start: Number(p.low), end: Number(p.high) }]));
  });
}

/** How long readTopic waits for the end offsets to pass the offsets it was told were written. */
const END_OFFSETS_WAIT_MS = 15_000;

/**
 * The offset ranges once every partition's end offset is past `through`'s offset for it, or as
 * they stand after END_OFFSETS_WAIT_MS: a record acknowledged before its followers had it (acks=1)
 * is readable only once the high watermark passes it. Past the wait, what never became readable
 * is for the caller's check to report.
 */
async function rangesThrough(target: SpecTarget, topic: string, through: ReadonlyMap<number, number>): Promise<Map<number, { start: number; end: number }>> {
  const deadline = performance.now() + END_OFFSETS_WAIT_MS;
  for (;;) {
    const ranges = await offsetRanges(target, topic);
    if ([...through].every(([p, offset]) => (ranges.get(p)?.end ?? 0) > offset) || performance.now() > deadline) return ranges;
    await sleep(100);
  }
}

/**
 * Every record of the topic from each partition's log start up to its end offset as it stood
 * when the read began, in offset order per partition, read by a consumer of a fresh group.
 * `through` names, per partition, the highest offset the caller saw acknowledged: the read waits
 * (a while) until the end offsets pass them.
 */
export async function readTopic(target: SpecTarget, topic: string, options: { groupId: string; timeoutMs?: number; through?: ReadonlyMap<number, number> }): Promise<Map<number, ReadRecord[]>> {
  const ranges = await rangesThrough(target, topic, options.through ?? new Map());
  const read = new Map<number, ReadRecord[]>([...ranges.keys()].map((p) => [p, []]));
  const behind = () => [...ranges].filter(([p, { start, end }]) => end > start && (read.get(p)?.at(-1)?.offset ?? start - 1) < end - 1);
  if (behind().length === 0) return read;
  const consumer = kafkaFor(target, "kconform-spec-reader").consumer({ groupId: options.groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        if (offset >= (ranges.get(partition)?.end ?? 0)) return;
        read.get(partition)?.push({ partition, offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, timestamp: Number(message.timestamp) });
        if (behind().length === 0) resolveDone();
      },
    });
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timedOut = await Promise.race([done.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) {
      const missing = behind().map(([p, { end }]) => `${topic}-${p} read to ${read.get(p)?.at(-1)?.offset ?? "nothing"} of ${end - 1}`);
      throw new SpecSetupError(`reading ${topic} back did not reach its end offsets within ${timeoutMs} ms: ${missing.join(", ")}`, "read-incomplete", { topic });
    }
  } finally {
    await consumer.disconnect();
  }
  return read;
}
