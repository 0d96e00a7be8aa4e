// Broker liveness in a 3-node reference cluster: a broker that stops heartbeating (SIGKILL, or
// SIGSTOP) is fenced by the active controller once broker.session.timeout.ms passed — not before —
// and the partitions it led get new leaders from their ISR; a paused broker that resumes is
// unfenced again without a restart, and a killed one on restart. Leadership only: whether data
// survives is the replication tests' business.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quietKafka, until } from "./kafka-helpers.ts";
import { activeControllerVia, addressOf, metadataOf, startTestCluster, type PartitionView, type TestCluster } from "./reference-cluster-kit.ts";

const SESSION_TIMEOUT_MS = 3_000;
const HEARTBEAT_INTERVAL_MS = 500;

let test: TestCluster;

beforeAll(async () => {
  test = await startTestCluster({
    nodes: 3,
    config: [
      ["broker.session.timeout.ms", String(SESSION_TIMEOUT_MS)],
      ["broker.heartbeat.interval.ms", String(HEARTBEAT_INTERVAL_MS)],
    ],
  });
  const admin = quietKafka(test.cluster.bootstrap).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "spread", numPartitions: 6, replicationFactor: 3 }] });
  await admin.disconnect();
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

/** A broker that is not the active controller and leads at least one partition of "spread". */
async function victimAndItsPartitions(): Promise<{ victim: number; led: PartitionView[]; others: string[] }> {
  const { cluster } = test;
  const controller = await activeControllerVia(cluster.bootstrap[0]);
  let partitions: PartitionView[] = [];
  await until("every partition of spread led", 20_000, async () => {
    partitions = (await metadataOf(cluster.bootstrap[0])).topics.spread ?? [];
    return partitions.length === 6 && partitions.every((p) => p.leader >= 0);
  });
  const victim = [1, 2, 3].find((id) => id !== controller && partitions.some((p) => p.leader === id))!;
  const others = cluster.bootstrap.filter((address) => address !== addressOf(cluster, victim));
  return { victim, led: partitions.filter((p) => p.leader === victim), others };
}

async function waitUntilFenced(victim: number, others: string[]): Promise<number> {
  const since = performance.now();
  await until(`broker ${victim} fenced`, 30_000, async () => (await Promise.all(others.map(metadataOf))).every((view) => !view.brokers.includes(victim)));
  return performance.now() - since;
}

describe("broker fencing", () => {
  it("fences a SIGKILLed broker after its session timeout and elects new leaders for its partitions", { timeout: 90_000 }, async () => {
    const { victim, led, others } = await victimAndItsPartitions();
    const node = test.cluster.nodes.find((n) => n.nodeId === victim)!;
    await node.kill();
    const fencedAfterMs = await waitUntilFenced(victim, others);
    // Not at once: its last heartbeat may have been up to one interval before the kill, and a
    // loaded machine may be slow to report the kill, hence the generous margin.
    expect(fencedAfterMs).toBeGreaterThanOrEqual(SESSION_TIMEOUT_MS - HEARTBEAT_INTERVAL_MS - 1_000);

    const after = (await metadataOf(others[0])).topics.spread;
    for (const before of led) {
      const now = after.find((p) => p.partition === before.partition)!;
      expect(now.leader).not.toBe(victim);
      expect(before.isr).toContain(now.leader);
      expect(now.isr).not.toContain(victim);
      expect(now.leaderEpoch).toBeGreaterThan(before.leaderEpoch);
    }

    await node.start();
    await until(`broker ${victim} unfenced after its restart`, 30_000, async () => (await Promise.all(test.cluster.bootstrap.map(metadataOf))).every((view) => view.brokers.includes(victim)));
  });

  it("fences a paused broker and unfences it when it resumes heartbeating", { timeout: 90_000 }, async () => {
    const { victim, others } = await victimAndItsPartitions();
    const node = test.cluster.nodes.find((n) => n.nodeId === victim)!;
    const pid = node.pid();
    await node.pause();
    try {
      await waitUntilFenced(victim, others);
    } finally {
      await node.resume();
    }
    await until(`broker ${victim} unfenced after resuming`, 30_000, async () => (await Promise.all(others.map(metadataOf))).every((view) => view.brokers.includes(victim)));
    expect(node.pid()).toBe(pid);
  });
});
