// A 3-node reference cluster (three processes, combined broker+controller, Raft metadata quorum)
// with kafkajs 2.2.4: every broker answers Metadata with the same view ("each broker knows about
// all brokers, topics and partitions"); topics are created through any broker, exactly once;
// producer ids never repeat across brokers; DescribeQuorum through any broker names one leader.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { quietKafka, until } from "./kafka-helpers.ts";
import { activeControllerVia, metadataOf, startTestCluster, type MetadataView, type TestCluster } from "./reference-cluster-kit.ts";
import { WireClient } from "./reference-wire.ts";

let test: TestCluster;

beforeAll(async () => {
  test = await startTestCluster({ nodes: 3 });
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

async function createVia(address: string, topic: string, numPartitions: number, replicationFactor: number): Promise<boolean> {
  const admin = quietKafka([address]).admin();
  await admin.connect();
  try {
    return await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor }], waitForLeaders: false });
  } finally {
    await admin.disconnect();
  }
}

async function agreedView(bootstrap: readonly string[], topics: string[]): Promise<MetadataView> {
  let views: MetadataView[] = [];
  await until(`all ${bootstrap.length} brokers to agree on ${topics.join(", ")}`, 20_000, async () => {
    views = await Promise.all(bootstrap.map(metadataOf));
    const first = JSON.stringify(views[0]);
    return topics.every((t) => views[0].topics[t] !== undefined) && views.every((view) => JSON.stringify(view) === first);
  });
  return views[0];
}

describe("a 3-node reference cluster", () => {
  it("is ready with all three brokers registered, and every broker reports the same view", async () => {
    const { bootstrap } = test.cluster;
    const views = await Promise.all(bootstrap.map(metadataOf));
    for (const view of views) expect(view.brokers).toEqual([1, 2, 3]);
    expect(await createVia(bootstrap[1], "orders", 6, 3)).toBe(true);
    const view = await agreedView(bootstrap, ["orders"]);
    expect(view.brokers).toEqual([1, 2, 3]);
    expect(view.topics.orders).toHaveLength(6);
    for (const p of view.topics.orders) {
      expect(new Set(p.replicas).size).toBe(3);
      expect(p.replicas).toContain(p.leader);
    }
    // Leaders spread over the brokers, as Kafka's placement spreads them.
    expect(new Set(view.topics.orders.map((p) => p.leader))).toEqual(new Set([1, 2, 3]));
  });

  it("creates a topic through any broker, and only once", async () => {
    const { bootstrap } = test.cluster;
    expect(await createVia(bootstrap[0], "via-one", 2, 3)).toBe(true);
    expect(await createVia(bootstrap[2], "via-three", 2, 2)).toBe(true);
    // kafkajs answers false for TOPIC_ALREADY_EXISTS.
    expect(await createVia(bootstrap[1], "via-one", 2, 3)).toBe(false);
    const results = await Promise.all(bootstrap.map((address) => createVia(address, "raced", 1, 3)));
    expect(results.filter((created) => created)).toHaveLength(1);
    const view = await agreedView(bootstrap, ["via-one", "via-three", "raced"]);
    expect(view.topics["via-three"].map((p) => p.replicas.length)).toEqual([2, 2]);
  });

  it("hands out producer ids that never repeat across brokers", async () => {
    const ids: bigint[] = [];
    for (const address of [...test.cluster.bootstrap, ...test.cluster.bootstrap]) {
      const client = await WireClient.connect(address);
      try {
        const response = await client.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
        expect(response.errorCode).toBe(0);
        ids.push(response.producerId);
      } finally {
        client.close();
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("names the same active controller through DescribeQuorum on every broker", async () => {
    const leaders = await Promise.all(test.cluster.bootstrap.map(activeControllerVia));
    expect(new Set(leaders).size).toBe(1);
    expect([1, 2, 3]).toContain(leaders[0]);
  });
});
