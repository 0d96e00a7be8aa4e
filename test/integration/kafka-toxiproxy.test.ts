// The real-Kafka target end to end: a 3-node Apache Kafka 4.3.1 cluster behind Toxiproxy, driven by
// kafkajs through the proxies — bulk produce/consume, a latency toxic, a proxy down, a SIGKILLed leader.
import { Partitioners, type Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { liveChildPids } from "../../harness/proc/reaper.ts";
import { startKafkaCluster, type KafkaCluster } from "../../harness/targets/kafka/cluster.ts";
import { portsNeeded } from "../../harness/targets/kafka/topology.ts";
import { consumeRecords, isGone, kafkaToolsMissing, median, partitionLeaders, quietKafka, registeredBrokerIds, titled, until } from "./kafka-helpers.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const RECORDS = 10_000;
const KEYS = 97;
const TOPIC = "orders";
const PROBE_TOPIC = "probe";
const LATENCY_MS = 300;

const skipReason = kafkaToolsMissing();

describe.skipIf(skipReason !== undefined)(titled("Apache Kafka 4.3.1 behind Toxiproxy", skipReason), () => {
  let cluster: KafkaCluster;
  let kafka: Kafka;
  const runDirs = keepRunDirOnFailure("kconform-kafka-it-");
  let runDir: string;

  const proxyOf = (nodeId: number) => cluster.node(nodeId).proxyName as string;
  const network = () => {
    if (cluster.network === undefined) throw new Error("the cluster was started without Toxiproxy");
    return cluster.network;
  };

  beforeAll(async () => {
    runDir = runDirs.create();
    const basePort = await findFreePortBlock(portsNeeded({ brokers: 3, basePort: 0, proxied: true }));
    cluster = await startKafkaCluster({ nodes: 3, basePort, runDir });
    kafka = quietKafka(cluster.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: TOPIC, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: "min.insync.replicas", value: "2" }] },
        { topic: PROBE_TOPIC, numPartitions: 3, replicationFactor: 3 },
      ],
    });
    await admin.disconnect();
  });

  afterAll(async () => {
    await cluster?.stop({ graceful: false });
    runDirs.cleanUp();
  });

  it("advertises each broker at its proxy's address", async () => {
    const admin = kafka.admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    await admin.disconnect();
    const seen = brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]).sort(([a], [b]) => Number(a) - Number(b));
    expect(seen).toEqual(cluster.brokers().map((node) => [node.nodeId, node.clientAddress]));
    expect(network().proxies().map((p) => p.listen)).toEqual([...cluster.bootstrap]);
  });

  it(`produces and consumes ${RECORDS} keyed records: all back, order kept per partition`, { timeout: 120_000 }, async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, maxInFlightRequests: 1 });
    await producer.connect();
    const nextSeq = new Map<string, number>();
    for (let start = 0; start < RECORDS; start += 1_000) {
      const messages = Array.from({ length: 1_000 }, (_, i) => {
        const key = `key-${(start + i) % KEYS}`;
        const seq = nextSeq.get(key) ?? 0;
        nextSeq.set(key, seq + 1);
        return { key, value: String(seq) };
      });
      await producer.send({ topic: TOPIC, acks: -1, messages });
    }
    await producer.disconnect();

    const records = await consumeRecords(kafka, TOPIC, RECORDS, 60_000);
    expect(records).toHaveLength(RECORDS);
    expect(new Set(records.map((r) => `${r.partition}/${r.offset}`)).size).toBe(RECORDS);
    const lastOffset = new Map<number, bigint>();
    const lastSeq = new Map<string, number>();
    const partitionOfKey = new Map<string, number>();
    for (const record of records) {
      expect(record.offset).toBeGreaterThan(lastOffset.get(record.partition) ?? -1n);
      lastOffset.set(record.partition, record.offset);
      expect(Number(record.value)).toBe((lastSeq.get(record.key) ?? -1) + 1);
      lastSeq.set(record.key, Number(record.value));
      expect(partitionOfKey.get(record.key) ?? record.partition).toBe(record.partition);
      partitionOfKey.set(record.key, record.partition);
    }
    expect(lastSeq).toEqual(new Map([...nextSeq].map(([key, next]) => [key, next - 1])));
  });

  it(`a ${LATENCY_MS} ms latency toxic raises produce latency by about that much`, { timeout: 90_000 }, async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const sampleMs = async () => {
      const samples: number[] = [];
      for (let i = 0; i < 11; i++) {
        const started = performance.now();
        await producer.send({ topic: PROBE_TOPIC, acks: -1, messages: [{ key: "latency", value: String(i) }] });
        samples.push(performance.now() - started);
      }
      return median(samples);
    };
    await sampleMs();
    const before = await sampleMs();
    const toxics = await Promise.all(
      cluster.brokers().map((node) => network().addToxic(proxyOf(node.nodeId), { kind: "latency", latencyMs: LATENCY_MS })),
    );
    const during = await sampleMs();
    await Promise.all(toxics.map((toxic) => toxic.remove()));
    const after = await sampleMs();
    await producer.disconnect();
    // Relative, with generous bounds: the toxic delays every response once; CPU contention varies.
    expect(during - before).toBeGreaterThan(LATENCY_MS * 0.75);
    expect(during - before).toBeLessThan(LATENCY_MS * 3);
    expect(after).toBeLessThan(during - LATENCY_MS * 0.5);
  });

  it("with one proxy down, the client fails over to the other brokers and fails clearly on the partitions behind it", { timeout: 90_000 }, async () => {
    const leaders = await partitionLeaders(kafka, PROBE_TOPIC);
    const downLeader = leaders.get(0) as number;
    const reachable = [...leaders].find(([, leader]) => leader !== downLeader);
    expect(reachable, `a partition of ${PROBE_TOPIC} led by another broker than ${downLeader}`).toBeDefined();
    const down = await network().down(proxyOf(downLeader));
    try {
      // The unreachable broker comes first in the bootstrap list, so metadata must fail over too.
      const downAddress = cluster.node(downLeader).clientAddress as string;
      const client = quietKafka([downAddress, ...cluster.bootstrap.filter((address) => address !== downAddress)], {
        connectionTimeout: 1_000,
        requestTimeout: 3_000,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
      });
      const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      const sendTo = (partition: number) => producer.send({ topic: PROBE_TOPIC, acks: -1, messages: [{ value: "failover", partition }] });
      await expect(sendTo(reachable?.[0] as number)).resolves.toHaveLength(1);
      // A disabled proxy closes its listener: the error names the address the client could not reach.
      await expect(sendTo(0)).rejects.toThrow(`Connection error: connect ECONNREFUSED ${downAddress}`);
      await down.remove();
      await until(`a send to partition 0 once ${proxyOf(downLeader)} is back`, 30_000, async () => (await sendTo(0)).length === 1);
      await producer.disconnect();
    } finally {
      await down.remove();
    }
  });

  it("after SIGKILL of a partition leader, a new leader is elected and every acked record is still readable", { timeout: 180_000 }, async () => {
    const leader = (await partitionLeaders(kafka, TOPIC)).get(0) as number;
    const victim = cluster.node(leader);
    await victim.kill();
    expect(victim.isRunning()).toBe(false);
    let newLeader = -1;
    await until(`a new leader of ${TOPIC}-0 after killing broker ${leader}`, 60_000, async () => {
      newLeader = (await partitionLeaders(kafka, TOPIC)).get(0) ?? -1;
      return newLeader !== leader && newLeader !== -1;
    });
    expect(cluster.node(newLeader).isRunning()).toBe(true);

    const records = await consumeRecords(kafka, TOPIC, RECORDS, 90_000);
    expect(new Set(records.map((r) => `${r.key}/${r.value}`)).size).toBe(RECORDS);

    // The killed node comes back with the same identity and data, and registers again.
    await victim.start();
    await until(`broker ${leader} registered again`, 60_000, async () => (await registeredBrokerIds(kafka)).includes(leader));
  });

  it("stops every process it started", { timeout: 60_000 }, async () => {
    const pids = [...cluster.nodes.map((node) => node.pid()), network().pid()].filter((pid): pid is number => pid !== undefined);
    expect(pids).toHaveLength(4);
    await cluster.stop();
    expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
    expect(liveChildPids()).toEqual([]);
  });
});
