// Offsets on the reference broker: ListOffsets by timestamp, earliest, latest and max-timestamp;
// DeleteRecords; retention by size and by time deleting whole segments; OffsetForLeaderEpoch across
// a restart; and Fetch's edges (out of range, empty flexible record sets, sessions, long polling).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Admin, Producer } from "kafkajs";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { quietKafka, until } from "./kafka-helpers.ts";
import { readPartition, WireClient } from "./reference-wire.ts";

let broker: ReferenceBroker;
let admin: Admin;
let producer: Producer;
let client: WireClient;

beforeAll(async () => {
  broker = await startReferenceBroker({ config: { "log.retention.check.interval.ms": "100" } });
  const kafka = quietKafka([broker.bootstrap]);
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
  client = await WireClient.connect(broker.bootstrap);
});

afterAll(async () => {
  client?.close();
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

function listOffsets(topic: string, timestamp: bigint, currentLeaderEpoch = -1) {
  return client
    .request(ApiKey.ListOffsets, 7, { replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch, timestamp }] }] })
    .then((response) => response.topics[0].partitions[0]);
}

function fetchAt(topic: string, fetchOffset: bigint, options: { maxWaitMs?: number; sessionId?: number; sessionEpoch?: number } = {}) {
  return client.request(ApiKey.Fetch, 12, {
    replicaId: -1,
    maxWaitMs: options.maxWaitMs ?? 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: options.sessionId ?? 0,
    sessionEpoch: options.sessionEpoch ?? -1,
    topics: [{ topic, partitions: [{ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n }] }],
    forgottenTopicsData: [],
    rackId: "",
  });
}

describe("offsets", () => {
  it("finds offsets by timestamp, earliest, latest and max timestamp", async () => {
    await admin.createTopics({ topics: [{ topic: "times" }] });
    for (const timestamp of ["1000", "3000", "2000"]) await producer.send({ topic: "times", messages: [{ value: timestamp, timestamp }] });
    expect(await listOffsets("times", 1500n)).toMatchObject({ errorCode: 0, offset: 1n, timestamp: 3000n, leaderEpoch: 0 });
    expect(await listOffsets("times", 3001n)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
    expect(await listOffsets("times", -2n)).toMatchObject({ offset: 0n });
    expect(await listOffsets("times", -1n)).toMatchObject({ offset: 3n, leaderEpoch: 0 });
    expect(await listOffsets("times", -3n)).toMatchObject({ offset: 1n, timestamp: 3000n });
    expect(await admin.fetchTopicOffsetsByTimestamp("times", 1500)).toEqual([{ partition: 0, offset: "1" }]);
  });

  it("deletes records below an offset, never past the high watermark", async () => {
    await admin.createTopics({ topics: [{ topic: "trimmed" }] });
    await producer.send({ topic: "trimmed", messages: ["a", "b", "c", "d"].map((value) => ({ value })) });
    // kafkajs looks up leaders before it loads the topic's metadata; fetching offsets loads it.
    expect(await admin.fetchTopicOffsets("trimmed")).toEqual([{ partition: 0, offset: "4", high: "4", low: "0" }]);
    await admin.deleteTopicRecords({ topic: "trimmed", partitions: [{ partition: 0, offset: "2" }] });
    expect(await listOffsets("trimmed", -2n)).toMatchObject({ offset: 2n });
    const below = await fetchAt("trimmed", 0n);
    expect(below.responses[0].partitions[0]).toMatchObject({ errorCode: 1, highWatermark: -1n, logStartOffset: -1n });
    expect((await readPartition(client, "trimmed", 0, 2)).map((r) => r.value?.toString())).toEqual(["c", "d"]);
    const beyond = await client.request(ApiKey.DeleteRecords, 2, { topics: [{ name: "trimmed", partitions: [{ partitionIndex: 0, offset: 9n }] }], timeoutMs: 5000 });
    expect(beyond.topics[0].partitions[0]).toMatchObject({ errorCode: 1, lowWatermark: -1n });
    const toHighWatermark = await client.request(ApiKey.DeleteRecords, 2, { topics: [{ name: "trimmed", partitions: [{ partitionIndex: 0, offset: -1n }] }], timeoutMs: 5000 });
    expect(toHighWatermark.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 4n });
  });

  it("deletes whole old segments by retention.bytes and by retention.ms", { timeout: 60_000 }, async () => {
    const segment = [{ name: "segment.bytes", value: "1048576" }];
    await admin.createTopics({
      topics: [
        { topic: "by-bytes", configEntries: [...segment, { name: "retention.bytes", value: "1572864" }] },
        { topic: "by-time", configEntries: [...segment, { name: "retention.ms", value: "60000" }] },
      ],
    });
    const big = Buffer.alloc(600_000, 7);
    const old = String(Date.now() - 2 * 3600_000);
    for (let i = 0; i < 4; i++) {
      await producer.send({ topic: "by-bytes", messages: [{ value: big }] });
      await producer.send({ topic: "by-time", messages: [{ value: big, timestamp: old }] });
    }
    await until("retention.bytes to delete the oldest segment", 20_000, async () => (await listOffsets("by-bytes", -2n)).offset === 1n);
    expect((await readPartition(client, "by-bytes", 0, 1)).map((r) => r.offset)).toEqual([1, 2, 3]);
    await until("retention.ms to delete every old segment", 20_000, async () => (await listOffsets("by-time", -2n)).offset === 4n);
    const [fresh] = await producer.send({ topic: "by-time", messages: [{ value: "fresh" }] });
    expect(fresh.baseOffset).toBe("4");
    expect((await readPartition(client, "by-time", 0, 4)).map((r) => r.value?.toString())).toEqual(["fresh"]);
  });
});

describe("fetch", () => {
  it("sends an empty record set as zero bytes, and refuses incremental sessions", async () => {
    await admin.createTopics({ topics: [{ topic: "fetched" }] });
    await producer.send({ topic: "fetched", messages: [{ value: "x" }] });
    const atEnd = await fetchAt("fetched", 1n);
    expect(atEnd).toMatchObject({ errorCode: 0, sessionId: 0 });
    expect(atEnd.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 1n, lastStableOffset: 1n, logStartOffset: 0n, records: Buffer.alloc(0) });
    expect((await fetchAt("fetched", 2n)).responses[0].partitions[0].errorCode).toBe(1);
    const incremental = await fetchAt("fetched", 0n, { sessionId: 12, sessionEpoch: 3 });
    expect(incremental).toMatchObject({ errorCode: 70, responses: [] });
  });

  it("parks a fetch with nothing to read, even beside an unknown topic, until a produce wakes it", { timeout: 20_000 }, async () => {
    await admin.createTopics({ topics: [{ topic: "polled" }] });
    const partition = (fetchOffset: bigint) => ({ partition: 0, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n });
    const parked = client.request(ApiKey.Fetch, 12, {
      replicaId: -1,
      maxWaitMs: 600_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: "no-such-topic", partitions: [partition(0n)] }, { topic: "polled", partitions: [partition(0n)] }],
      forgottenTopicsData: [],
      rackId: "",
    });
    await until("the fetch to be parked", 5_000, async () => broker.node.context.purgatory.parkedCount === 1);
    await producer.send({ topic: "polled", messages: [{ value: "wake" }] });
    const response = await parked;
    expect(response.responses.map((t) => [t.topic, t.partitions[0].errorCode])).toEqual([["no-such-topic", 3], ["polled", 0]]);
    expect(response.responses[1].partitions[0].records?.length).toBeGreaterThan(0);
  });
});

describe("leader epochs", () => {
  it("end where the next epoch starts, and fence clients holding an old one after a restart", async () => {
    await admin.createTopics({ topics: [{ topic: "epochs" }] });
    await producer.send({ topic: "epochs", messages: [{ value: "a" }, { value: "b" }] });
    const before = await client.request(ApiKey.OffsetForLeaderEpoch, 4, { replicaId: -1, topics: [{ topic: "epochs", partitions: [{ partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }] });
    expect(before.topics[0].partitions[0]).toMatchObject({ errorCode: 0, leaderEpoch: 0, endOffset: 2n });

    client.close();
    await broker.restart();
    client = await WireClient.connect(broker.bootstrap);
    await producer.send({ topic: "epochs", messages: [{ value: "c" }] });
    const after = await client.request(ApiKey.OffsetForLeaderEpoch, 4, {
      replicaId: -1,
      topics: [{ topic: "epochs", partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }, { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }],
    });
    expect(after.topics[0].partitions).toEqual([
      { errorCode: 0, partition: 0, leaderEpoch: 0, endOffset: 2n },
      { errorCode: 74, partition: 0, leaderEpoch: -1, endOffset: -1n },
    ]);
    expect(await listOffsets("epochs", -1n)).toMatchObject({ offset: 3n, leaderEpoch: 2 });
  });
});
