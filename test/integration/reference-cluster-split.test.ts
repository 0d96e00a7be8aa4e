// The split topology of the reference broker: 3 dedicated controllers (ids 1001-1003, the Raft
// quorum) beside 3 brokers (observers of the metadata log). It starts, every broker reports the same
// brokers (never the controllers), topics are created through the brokers, and losing the active
// controller — a controller-only process — leaves a working quorum of two.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quietKafka, until } from "./kafka-helpers.ts";
import { activeControllerVia, metadataOf, startTestCluster, type TestCluster } from "./reference-cluster-kit.ts";

let test: TestCluster;

beforeAll(async () => {
  test = await startTestCluster({ nodes: 3, controllers: 3 });
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

async function create(topic: string): Promise<boolean> {
  const admin = quietKafka(test.cluster.bootstrap, { retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }] });
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

describe("3 controllers + 3 brokers", () => {
  it("starts with the brokers registered and a dedicated controller leading the quorum", async () => {
    const { cluster } = test;
    expect(cluster.nodes.map((n) => `${n.nodeId}:${n.roles.join("+")}`)).toEqual(["1:broker", "2:broker", "3:broker", "1001:controller", "1002:controller", "1003:controller"]);
    for (const view of await Promise.all(cluster.bootstrap.map(metadataOf))) expect(view.brokers).toEqual([1, 2, 3]);
    expect([1001, 1002, 1003]).toContain(await activeControllerVia(cluster.bootstrap[0]));
    expect(await create("split-topic")).toBe(true);
    await until("every broker sees split-topic with RF 3", 20_000, async () =>
      (await Promise.all(cluster.bootstrap.map(metadataOf))).every((view) => view.topics["split-topic"]?.every((p) => p.replicas.length === 3 && p.leader > 0)),
    );
  });

  it("keeps serving when the active controller dies", { timeout: 90_000 }, async () => {
    const { cluster } = test;
    const old = await activeControllerVia(cluster.bootstrap[0]);
    await cluster.nodes.find((n) => n.nodeId === old)!.kill();
    await until("a new active controller", 20_000, async () => {
      const leader = await activeControllerVia(cluster.bootstrap[1]);
      return leader >= 1001 && leader !== old;
    });
    await until("a topic created after the failover", 30_000, () => create("after-failover"));
    for (const view of await Promise.all(cluster.bootstrap.map(metadataOf))) expect(view.brokers).toEqual([1, 2, 3]);
  });
});
