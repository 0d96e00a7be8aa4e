// Leader failover in a 3-node reference cluster of real processes (RF=3, min.insync.replicas=2,
// acks=all): SIGKILL the leader of a partition while producers write to every partition; a new
// leader is elected from the ISR, every acknowledged record is read back, and each partition keeps
// its producer's send order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumeRecords, partitionLeaders, quietKafka, until } from "./kafka-helpers.ts";
import { activeControllerVia, addressOf, startTestCluster, type TestCluster } from "./reference-cluster-kit.ts";

const TOPIC = "failover";
const PARTITIONS = 3;

let test: TestCluster;

beforeAll(async () => {
  test = await startTestCluster({ nodes: 3, config: [["min.insync.replicas", "2"]] });
  const kafka = quietKafka(test.cluster.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }, { topic: "warm-up", replicationFactor: 3 }] });
  await admin.disconnect();
  // __consumer_offsets (RF 3) is created by the first group, which needs all three brokers alive,
  // as in Kafka; reading back after the kill needs it to exist already.
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: "warm-up", messages: [{ value: "x" }] });
  await producer.disconnect();
  await consumeRecords(kafka, "warm-up", 1, 30_000);
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

describe("leader failover under load", () => {
  it("elects a new leader after a SIGKILL and loses no acknowledged record", { timeout: 90_000 }, async () => {
    const { cluster } = test;
    const kafka = quietKafka(cluster.bootstrap);
    let leaders = new Map<number, number>();
    await until(`every partition of ${TOPIC} led`, 20_000, async () => {
      leaders = await partitionLeaders(kafka, TOPIC);
      return leaders.size === PARTITIONS && [...leaders.values()].every((id) => id > 0);
    });
    // Killing the active controller as well would test controller failover, not replication.
    const controller = await activeControllerVia(cluster.bootstrap[0]);
    const victimPartition = [...leaders].find(([, leader]) => leader !== controller) ?? [...leaders][0];
    const victim = victimPartition[1];
    const survivors = cluster.bootstrap.filter((address) => address !== addressOf(cluster, victim));

    // One producer loop per partition, one request in flight, so send order is the order acked.
    const producer = kafka.producer({ maxInFlightRequests: 1, retry: { retries: 8 } });
    await producer.connect();
    const acked = new Map<number, string[]>(Array.from({ length: PARTITIONS }, (_, p) => [p, []]));
    let writing = true;
    const loops = Array.from({ length: PARTITIONS }, async (_, partition) => {
      for (let seq = 0; writing; seq++) {
        const value = `p${partition}-${seq}`;
        try {
          await producer.send({ topic: TOPIC, acks: -1, messages: [{ partition, value }] });
          acked.get(partition)!.push(value);
        } catch {
          // Indeterminate: it may or may not be in the log; only acknowledged records are promised.
        }
      }
    });
    try {
      await until("records acked before the kill", 20_000, async () => [...acked.values()].every((values) => values.length >= 20));
      await cluster.nodes.find((n) => n.nodeId === victim)!.kill();
      const survivorKafka = quietKafka(survivors);
      await until(`a new leader for partition ${victimPartition[0]}`, 30_000, async () => {
        const now = (await partitionLeaders(survivorKafka, TOPIC)).get(victimPartition[0]) ?? -1;
        return now > 0 && now !== victim;
      });
      const ackedAtElection = acked.get(victimPartition[0])!.length;
      await until(`writes acked by the new leader of partition ${victimPartition[0]}`, 30_000, async () => acked.get(victimPartition[0])!.length >= ackedAtElection + 20);
    } finally {
      writing = false;
      await Promise.all(loops);
      await producer.disconnect();
    }

    const reader = quietKafka(survivors);
    const admin = reader.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    await admin.disconnect();
    const readable = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    const records = await consumeRecords(reader, TOPIC, readable, 30_000);

    for (let partition = 0; partition < PARTITIONS; partition++) {
      const read = records.filter((r) => r.partition === partition);
      const readOffsets = read.map((r) => r.offset);
      expect(readOffsets, `offsets of partition ${partition} strictly increase`).toEqual([...readOffsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(new Set(readOffsets).size).toBe(readOffsets.length);
      // A retried send may be written twice, so order is judged on each value's first appearance.
      const firstAt = new Map<string, number>();
      read.forEach((r, i) => firstAt.has(r.value) || firstAt.set(r.value, i));
      const ackedValues = acked.get(partition)!;
      const lost = ackedValues.filter((value) => !firstAt.has(value));
      expect(lost, `acknowledged records lost from partition ${partition}`).toEqual([]);
      const positions = ackedValues.map((value) => firstAt.get(value)!);
      expect(positions, `partition ${partition} keeps send order`).toEqual([...positions].sort((a, b) => a - b));
    }
  });
});
