// Losing the active controller of a 3-node reference cluster (SIGKILL, a minority of the quorum):
// the other two elect a new leader, topics can still be created, the dead node is fenced once its
// session lapses, and it rejoins — as follower of the new leader — when it starts again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quietKafka, until } from "./kafka-helpers.ts";
import { activeControllerVia, addressOf, metadataOf, startTestCluster, type TestCluster } from "./reference-cluster-kit.ts";

let test: TestCluster;

beforeAll(async () => {
  test = await startTestCluster({ nodes: 3 });
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

/** True once the topic exists: created now, or by an earlier attempt whose answer was lost. */
async function createVia(address: string, topic: string): Promise<boolean> {
  const admin = quietKafka([address], { retry: { retries: 2 } }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 2 }] });
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

describe("the active controller dies", () => {
  it("a new one is elected, topic creation still works, and the old one is fenced and rejoins", { timeout: 90_000 }, async () => {
    const { cluster } = test;
    expect(await createVia(cluster.bootstrap[0], "before")).toBe(true);
    const old = await activeControllerVia(cluster.bootstrap[0]);
    const victim = cluster.nodes.find((node) => node.nodeId === old)!;
    await victim.kill();
    const survivors = cluster.brokers().filter((node) => node !== victim).map((node) => addressOf(cluster, node.nodeId));

    let next = -1;
    await until("a new active controller, the same through both survivors", 20_000, async () => {
      next = await activeControllerVia(survivors[0]);
      return next >= 0 && next !== old && (await activeControllerVia(survivors[1])) === next;
    });

    await until("a topic created after the failover", 30_000, () => createVia(survivors[1], "after"));
    await until(`broker ${old} fenced and every partition led by a live broker`, 30_000, async () => {
      const views = await Promise.all(survivors.map(metadataOf));
      return views.every(
        (view) =>
          !view.brokers.includes(old) &&
          ["before", "after"].every((topic) => view.topics[topic]?.every((p) => p.leader >= 0 && p.leader !== old)),
      );
    });

    await victim.start();
    await until("the old controller back as a broker, seen by all", 30_000, async () => {
      const views = await Promise.all(cluster.bootstrap.map(metadataOf));
      return views.every((view) => view.brokers.join() === "1,2,3" && view.topics.after !== undefined);
    });
    expect(await activeControllerVia(addressOf(cluster, old))).toBe(next);
  });
});
