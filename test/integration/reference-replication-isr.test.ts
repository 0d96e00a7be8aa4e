// The ISR of a 3-node reference cluster of real processes (RF=3, min.insync.replicas=2, acks=all):
// a SIGSTOPped follower leaves the ISR while acks=all writes go on with the other two, and rejoins it
// after SIGCONT once it has caught up.
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, it } from "vitest";
import { partitionLeaders, quietKafka, until } from "./kafka-helpers.ts";
import { activeControllerVia, addressOf, metadataOf, startTestCluster, type TestCluster } from "./reference-cluster-kit.ts";

const TOPIC = "isr";

let test: TestCluster;

beforeAll(async () => {
  // A session far longer than the lag limit: the paused follower must leave the ISR for lagging,
  // not because the controller fenced it.
  test = await startTestCluster({
    nodes: 3,
    config: [
      ["min.insync.replicas", "2"],
      ["replica.lag.time.max.ms", "2000"],
      ["broker.session.timeout.ms", "60000"],
    ],
  });
  const admin = quietKafka(test.cluster.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3 }] });
  await admin.disconnect();
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

async function isrOf(kafka: Kafka): Promise<number[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    return [...topics[0].partitions[0].isr].sort((a, b) => a - b);
  } finally {
    await admin.disconnect();
  }
}

async function everyViewHasIsr(addresses: readonly string[], isr: number[]): Promise<boolean> {
  const views = await Promise.all(addresses.map(metadataOf));
  return views.every((view) => JSON.stringify([...(view.topics[TOPIC]?.[0]?.isr ?? [])].sort((a, b) => a - b)) === JSON.stringify(isr));
}

describe("ISR shrink and expand", () => {
  it("drops a paused follower from the ISR while acks=all writes continue, and takes it back after it resumes", { timeout: 90_000 }, async () => {
    const { cluster } = test;
    let leader = -1;
    await until(`partition 0 of ${TOPIC} led with a full ISR`, 20_000, async () => {
      leader = (await partitionLeaders(quietKafka(cluster.bootstrap), TOPIC)).get(0) ?? -1;
      return leader > 0 && (await isrOf(quietKafka(cluster.bootstrap))).length === 3;
    });
    // Pausing the active controller would move the quorum too; this test is about the ISR only.
    const controller = await activeControllerVia(cluster.bootstrap[0]);
    const follower = [1, 2, 3].find((id) => id !== leader && id !== controller)!;
    const followerNode = cluster.nodes.find((n) => n.nodeId === follower)!;
    // Clients must not wait on the frozen process: they only bootstrap from the other two.
    const live = cluster.bootstrap.filter((address) => address !== addressOf(cluster, follower));
    const kafka = quietKafka(live, { requestTimeout: 5_000 });

    const producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    let acked = 0;
    let writing = true;
    // Every write must succeed: two replicas in the ISR satisfy min.insync.replicas throughout.
    const writes = (async () => {
      for (let seq = 0; writing; seq++) {
        await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: `v${seq}` }] });
        acked++;
      }
    })();
    let writeFailure: unknown;
    writes.catch((error: unknown) => (writeFailure = error));
    const ackedSoFar = (): number => {
      if (writeFailure !== undefined) throw writeFailure;
      return acked;
    };
    try {
      await until("writes acked by the full ISR", 20_000, async () => ackedSoFar() >= 10);
      await followerNode.pause();
      try {
        await until(`broker ${follower} out of the ISR`, 30_000, async () => !(await isrOf(kafka)).includes(follower));
        const ackedAtShrink = ackedSoFar();
        await until("acks=all writes continuing without the paused follower", 30_000, async () => ackedSoFar() >= ackedAtShrink + 20);
        await until("the shrunk ISR on both running brokers", 10_000, () => everyViewHasIsr(live, [1, 2, 3].filter((id) => id !== follower)));
      } finally {
        await followerNode.resume();
      }
      await until(`broker ${follower} back in the ISR`, 30_000, async () => (await isrOf(kafka)).length === 3);
      // Brokers learn ISR changes from the metadata log, the resumed one last.
      await until("the full ISR on every broker", 10_000, () => everyViewHasIsr(cluster.bootstrap, [1, 2, 3]));
    } finally {
      writing = false;
      await writes;
      await producer.disconnect();
    }
  });
});
