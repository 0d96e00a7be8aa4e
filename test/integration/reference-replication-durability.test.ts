// N-1 durability in the split topology of the reference broker (3 controllers + 3 brokers, RF=3,
// acks=all with a full ISR): SIGKILL two brokers and delete their data directories; the survivor
// leads every partition and every acknowledged record is read back from it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumeRecords, quietKafka, until } from "./kafka-helpers.ts";
import { addressOf, metadataOf, startTestCluster, type TestCluster } from "./reference-cluster-kit.ts";

const TOPIC = "durable";
const PARTITIONS = 3;
const RECORDS_PER_PARTITION = 100;

let test: TestCluster;

beforeAll(async () => {
  // min.insync.replicas=1: the survivor alone must be allowed to advance its high watermark.
  test = await startTestCluster({ nodes: 3, controllers: 3, config: [["min.insync.replicas", "1"]] });
  const kafka = quietKafka(test.cluster.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }] });
  await admin.disconnect();
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

async function fullIsrEverywhere(address: string): Promise<boolean> {
  const partitions = (await metadataOf(address)).topics[TOPIC] ?? [];
  return partitions.length === PARTITIONS && partitions.every((p) => p.leader > 0 && p.isr.length === 3);
}

describe("N-1 durability", () => {
  it("keeps every acknowledged record when two of three brokers die with their data", { timeout: 120_000 }, async () => {
    const { cluster } = test;
    const kafka = quietKafka(cluster.bootstrap);
    await until(`every partition of ${TOPIC} with a full ISR`, 20_000, () => fullIsrEverywhere(cluster.bootstrap[0]));

    const producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    const acked: string[] = [];
    try {
      for (let seq = 0; seq < RECORDS_PER_PARTITION; seq++) {
        const messages = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, value: `p${partition}-${seq}` }));
        await producer.send({ topic: TOPIC, acks: -1, messages });
        acked.push(...messages.map((m) => m.value));
      }
    } finally {
      await producer.disconnect();
    }
    // Still a full ISR after the last ack, so every acked record was on all three brokers.
    expect(await fullIsrEverywhere(cluster.bootstrap[0])).toBe(true);
    // Reading once now also creates __consumer_offsets, which needs three live brokers (its RF), as
    // in Kafka; the read-back after the kill relies on it.
    expect(await consumeRecords(kafka, TOPIC, acked.length, 30_000)).toHaveLength(acked.length);

    const { leader: survivor } = (await metadataOf(cluster.bootstrap[0])).topics[TOPIC][0];
    const doomed = cluster.brokers().filter((node) => node.nodeId !== survivor);
    await Promise.all(doomed.map((node) => node.kill()));
    await Promise.all(doomed.map((node) => node.wipe()));

    const survivorAddress = addressOf(cluster, survivor);
    await until(`broker ${survivor} leading every partition`, 30_000, async () => {
      const partitions = (await metadataOf(survivorAddress)).topics[TOPIC] ?? [];
      return partitions.length === PARTITIONS && partitions.every((p) => p.leader === survivor);
    });
    const reader = quietKafka([survivorAddress]);
    const admin = reader.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    await admin.disconnect();
    expect(offsets.map((p) => Number(p.high))).toEqual(Array.from({ length: PARTITIONS }, () => RECORDS_PER_PARTITION));

    const records = await consumeRecords(reader, TOPIC, acked.length, 30_000);
    const read = new Set(records.map((r) => r.value));
    expect(acked.filter((value) => !read.has(value)), "acknowledged records lost").toEqual([]);
  });
});
