// The testcontainers target on a machine with a Docker engine: three apache/kafka 4.3.1 nodes behind
// Toxiproxy, records through the proxies, node faults as container operations, and nothing left
// running afterwards. Skipped, with the reason, where the modules cannot load or no engine answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { containerRuntimeSupport, loadTestcontainers } from "../../harness/targets/testcontainers/runtime.ts";
import { startTestcontainersCluster, type TestcontainersCluster } from "../../harness/targets/testcontainers/cluster.ts";
import { KAFKA_IMAGE } from "../../harness/targets/testcontainers/broker-config.ts";
import { kafkaJsConfig } from "../../harness/targets/external/kafkajs-config.ts";

const support = await containerRuntimeSupport();
const loadable = await loadTestcontainers().then(
  () => ({ ok: true as const }),
  (error: Error) => ({ ok: false as const, reason: error.message }),
);

describe.skipIf(!loadable.ok)(`@testcontainers/kafka${loadable.ok ? "" : ` — skipped: ${loadable.reason}`}`, () => {
  it("still cannot run apache/kafka images in KRaft mode (why the target uses GenericContainer)", async () => {
    const { KafkaContainer } = await import("@testcontainers/kafka");
    expect(() => new KafkaContainer(KAFKA_IMAGE).withKraft()).toThrow(/not supported in Kraft mode/);
  });
});

describe.skipIf(!support.ok)(`testcontainers target${support.ok ? "" : ` — skipped: ${support.reason}`}`, () => {
  let cluster: TestcontainersCluster;
  const kafka = () => new Kafka(kafkaJsConfig(cluster, { clientId: "kconform-it", logLevel: logLevel.NOTHING }));

  async function brokerCount(): Promise<number> {
    const admin = kafka().admin();
    await admin.connect();
    try {
      return (await admin.describeCluster()).brokers.length;
    } finally {
      await admin.disconnect();
    }
  }

  beforeAll(async () => {
    cluster = await startTestcontainersCluster({ nodes: 3 });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it("advertises each broker's proxy, so clients only ever see proxy addresses", async () => {
    const admin = kafka().admin();
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    await admin.disconnect();
    expect(brokers.map(({ host, port }) => `${host}:${port}`).sort()).toEqual([...cluster.bootstrap].sort());
    expect(cluster.nodes.map((node) => node.clientAddress).sort()).toEqual([...cluster.bootstrap].sort());
  });

  it("round-trips keyed records through the proxies with acks=all on RF=3", async () => {
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "tc-smoke", numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka().producer({ idempotent: true });
    await producer.connect();
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }));
    await producer.send({ topic: "tc-smoke", acks: -1, messages });
    await producer.disconnect();

    const consumer = kafka().consumer({ groupId: "tc-smoke" });
    await consumer.connect();
    await consumer.subscribe({ topic: "tc-smoke", fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(String(message.value));
          if (seen.length === messages.length) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual(messages.map((_, i) => i));
  });

  it("kills a node with SIGKILL and starts it again", async () => {
    const node = cluster.nodes[2];
    await node.kill();
    expect(node.isRunning()).toBe(false);
    expect(node.pid()).toBeUndefined();
    await node.start();
    expect(node.isRunning()).toBe(true);
    await expect.poll(brokerCount, { timeout: 60_000, interval: 1_000 }).toBe(3);
  });

  it("pauses and resumes a node", async () => {
    const node = cluster.nodes[1];
    await node.pause();
    expect(node.isRunning()).toBe(false);
    await node.resume();
    expect(node.isRunning()).toBe(true);
  });

  it("wipes a stopped node and starts it empty; refuses to wipe a running one", async () => {
    const node = cluster.nodes[0];
    await expect(node.wipe()).rejects.toThrow(/stop or kill it/);
    await node.stop();
    await node.wipe();
    await node.start();
    await expect.poll(brokerCount, { timeout: 60_000, interval: 1_000 }).toBe(3);
  });

  it("a disabled proxy cuts clients off from its broker only", async () => {
    const proxy = cluster.proxies.get(1)!;
    await proxy.setEnabled(false);
    try {
      const lone = new Kafka({ brokers: [cluster.nodes[0].clientAddress!], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2_000 }).admin();
      await expect(lone.connect()).rejects.toThrow();
      expect(await brokerCount()).toBe(3);
    } finally {
      await proxy.setEnabled(true);
    }
  });
});
