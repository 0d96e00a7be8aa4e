// acks against min.insync.replicas in a 3-node reference cluster of real processes (RF=3,
// min.insync.replicas=2): with two of the three brokers stopped the lone leader's ISR is itself, so
// acks=all is refused with NOT_ENOUGH_REPLICAS while acks=1 is still written.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionLeaders, quietKafka, until } from "./kafka-helpers.ts";
import { addressOf, metadataOf, startTestCluster, type TestCluster } from "./reference-cluster-kit.ts";

const TOPIC = "acks";

let test: TestCluster;

beforeAll(async () => {
  test = await startTestCluster({ nodes: 3, config: [["min.insync.replicas", "2"]] });
  const admin = quietKafka(test.cluster.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3 }] });
  await admin.disconnect();
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

/** The Kafka error types along an error's cause chain (kafkajs wraps the broker's error on retry). */
function protocolErrorTypes(error: unknown): string[] {
  const types: string[] = [];
  for (let current = error as { type?: string; cause?: unknown } | undefined; current !== undefined && current !== null; current = current.cause as typeof current) {
    if (current.type !== undefined) types.push(current.type);
  }
  return types;
}

describe("acks with two of three brokers stopped", () => {
  it("refuses acks=all with NOT_ENOUGH_REPLICAS and accepts acks=1", { timeout: 90_000 }, async () => {
    const { cluster } = test;
    let leader = -1;
    await until(`partition 0 of ${TOPIC} led`, 20_000, async () => {
      leader = (await partitionLeaders(quietKafka(cluster.bootstrap), TOPIC)).get(0) ?? -1;
      return leader > 0;
    });
    const survivor = addressOf(cluster, leader);
    const kafka = quietKafka([survivor], { retry: { retries: 2 } });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: "with three" }] });

      // One after the other: each controlled shutdown needs a controller majority to leave the ISR.
      for (const node of cluster.nodes.filter((n) => n.nodeId !== leader)) await node.stop();
      await until(`broker ${leader} alone in the ISR`, 30_000, async () => {
        const partition = (await metadataOf(survivor)).topics[TOPIC]?.[0];
        return partition?.leader === leader && partition.isr.length === 1;
      });

      const refused = await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: "refused" }] }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused, "acks=all with an ISR of one").toBeDefined();
      expect(protocolErrorTypes(refused)).toContain("NOT_ENOUGH_REPLICAS");
      expect(protocolErrorTypes(refused)).not.toContain("REQUEST_TIMED_OUT");

      const [written] = await producer.send({ topic: TOPIC, acks: 1, messages: [{ value: "leader only" }] });
      expect(written.errorCode).toBe(0);
      expect(Number(written.baseOffset)).toBe(1);
    } finally {
      await producer.disconnect();
    }
  });
});
