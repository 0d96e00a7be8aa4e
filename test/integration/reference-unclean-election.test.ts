// The 2013 Kafka/Jepsen finding, reproduced on purpose against reference brokers in real processes:
// the followers die until the ISR is the leader alone, the leader acknowledges records only it has
// and dies too, and an out-of-sync follower comes back. With unclean.leader.election.enable=true it
// is elected and the acknowledged records are gone for good (the old leader truncates to the new
// leader's log); with it false the partition stays without a leader until the old leader returns,
// and nothing acknowledged is lost. Both topics live through the same choreography in one cluster.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kafka } from "kafkajs";
import { ErrorCode } from "../../reference-broker/protocol/errors.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { ZERO_UUID } from "../../reference-broker/protocol/uuid.ts";
import { quietKafka, until } from "./kafka-helpers.ts";
import { addressOf, metadataOf, startTestCluster, type PartitionView, type TestCluster } from "./reference-cluster-kit.ts";
import { readPartition, WireClient } from "./reference-wire.ts";

const UNCLEAN = "unclean-allowed";
const CLEAN = "unclean-forbidden";
const TOPICS = [UNCLEAN, CLEAN];
/** Replicas of both partitions, preferred leader first; broker 4 hosts neither and stays up throughout. */
const REPLICAS = [1, 2, 3];
const [OLD_LEADER, REVIVED, OTHER_FOLLOWER] = REPLICAS;
const OBSERVER = 4;
/** How long the unclean election may take once the out-of-sync replica is back and unfenced. */
const ELECTION_BOUND_MS = 5_000;
const RECORDS_PER_PHASE = 20;

let test: TestCluster;

beforeAll(async () => {
  // The split topology keeps the controller quorum whole while every replica of the partition dies.
  test = await startTestCluster({ nodes: 4, controllers: 3 });
  const admin = quietKafka([addressOf(test.cluster, OBSERVER)]).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: TOPICS.map((topic) => ({
        topic,
        replicaAssignment: [{ partition: 0, replicas: REPLICAS }],
        configEntries: [
          { name: "min.insync.replicas", value: "1" },
          { name: "unclean.leader.election.enable", value: String(topic === UNCLEAN) },
        ],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}, 120_000);

afterAll(async () => {
  await test?.destroy();
});

const node = (id: number) => test.cluster.nodes.find((n) => n.nodeId === id)!;

/** Partition 0 of each topic as the broker that stays up sees it. */
async function observed(): Promise<Record<string, PartitionView | undefined>> {
  const view = await metadataOf(addressOf(test.cluster, OBSERVER));
  return Object.fromEntries(TOPICS.map((topic) => [topic, view.topics[topic]?.[0]]));
}

async function untilBoth(what: string, timeoutMs: number, holds: (partition: PartitionView) => boolean): Promise<void> {
  await until(what, timeoutMs, async () => Object.values(await observed()).every((p) => p !== undefined && holds(p)));
}

/** acks=all, one record per request, each send awaited: every value returned was acknowledged. */
async function produce(kafka: Kafka, topic: string, label: string): Promise<string[]> {
  const producer = kafka.producer({ retry: { retries: 5 } });
  await producer.connect();
  try {
    const acked: string[] = [];
    for (let seq = 0; seq < RECORDS_PER_PHASE; seq++) {
      const value = `${label}-${seq}`;
      await producer.send({ topic, acks: -1, messages: [{ value }] });
      acked.push(value);
    }
    return acked;
  } finally {
    await producer.disconnect();
  }
}

/** Partition 0's error code and leader in the Metadata answer of the broker at address. */
async function partitionMetadata(address: string, topic: string): Promise<{ errorCode: number; leaderId: number }> {
  const client = await WireClient.connect(address);
  try {
    const response = await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: ZERO_UUID, name: topic }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const partition = response.topics[0]?.partitions[0];
    if (partition === undefined) throw new Error(`no partition 0 of ${topic} in the Metadata answer of ${address}`);
    return { errorCode: partition.errorCode, leaderId: partition.leaderId };
  } finally {
    client.close();
  }
}

/** Every value below the high watermark of partition 0, read from its current leader. */
async function readBack(topic: string): Promise<string[]> {
  const leader = (await observed())[topic]?.leader ?? -1;
  if (leader < 0) throw new Error(`${topic}-0 has no leader to read from`);
  const client = await WireClient.connect(addressOf(test.cluster, leader));
  try {
    return (await readPartition(client, topic, 0)).map((record) => record.value?.toString() ?? "");
  } finally {
    client.close();
  }
}

describe("unclean leader election", () => {
  it("loses acknowledged writes when allowed, and leaves the partition leaderless instead when not", { timeout: 120_000 }, async () => {
    const kafka = quietKafka([addressOf(test.cluster, OBSERVER)], { requestTimeout: 5_000 });
    await untilBoth(`both partitions led by ${OLD_LEADER} with the full ISR`, 20_000, (p) => p.leader === OLD_LEADER && p.isr.length === REPLICAS.length);
    const acked: Record<string, string[]> = { [UNCLEAN]: [], [CLEAN]: [] };
    for (const topic of TOPICS) acked[topic].push(...(await produce(kafka, topic, "replicated")));

    // The followers die; the controller fences them after their session and shrinks the ISR to the leader.
    await Promise.all([node(REVIVED).kill(), node(OTHER_FOLLOWER).kill()]);
    await untilBoth(`the ISR shrunk to broker ${OLD_LEADER}`, 20_000, (p) => p.leader === OLD_LEADER && p.isr.join() === String(OLD_LEADER));
    const leaderOnly: Record<string, string[]> = {};
    for (const topic of TOPICS) {
      leaderOnly[topic] = await produce(kafka, topic, "leader-only");
      acked[topic].push(...leaderOnly[topic]);
    }

    // The last in-sync replica dies: no replica left to lead, whatever the policy.
    await node(OLD_LEADER).kill();
    await untilBoth("both partitions offline", 20_000, (p) => p.leader === -1);

    // An out-of-sync replica returns. It is ready once unfenced, which is when the controller decides.
    await node(REVIVED).start();
    await until(`broker ${REVIVED} elected uncleanly for ${UNCLEAN}`, ELECTION_BOUND_MS, async () => (await observed())[UNCLEAN]?.leader === REVIVED);
    expect((await observed())[UNCLEAN]?.isr).toEqual([REVIVED]);
    // The new leader takes writes at offsets the old leader had used for other records.
    acked[UNCLEAN].push(...(await produce(kafka, UNCLEAN, "after-election")));

    // Meanwhile the forbidden topic stayed offline: every live broker answers LEADER_NOT_AVAILABLE.
    for (const broker of [REVIVED, OBSERVER]) {
      expect(await partitionMetadata(addressOf(test.cluster, broker), CLEAN), `${CLEAN}-0 according to broker ${broker}`).toEqual({ errorCode: ErrorCode.LEADER_NOT_AVAILABLE, leaderId: -1 });
    }

    // The old leader returns: it truncates its divergent tail and follows; it leads the forbidden topic again.
    await node(OLD_LEADER).start();
    await until(`broker ${OLD_LEADER} back in the ISR of ${UNCLEAN} and leading ${CLEAN}`, 30_000, async () => {
      const now = await observed();
      return now[UNCLEAN]?.leader === REVIVED && (now[UNCLEAN]?.isr.includes(OLD_LEADER) ?? false) && now[CLEAN]?.leader === OLD_LEADER;
    });

    const readable: Record<string, Set<string>> = { [UNCLEAN]: new Set(await readBack(UNCLEAN)), [CLEAN]: new Set(await readBack(CLEAN)) };
    const lost = (topic: string) => acked[topic].filter((value) => !readable[topic].has(value));
    expect(lost(UNCLEAN).length, "acknowledged records lost by the unclean election").toBeGreaterThan(0);
    expect(lost(UNCLEAN), "exactly the records only the old leader had").toEqual(leaderOnly[UNCLEAN]);
    expect(lost(CLEAN), "acknowledged records lost without unclean election").toEqual([]);

    // Leadership back on the old leader shows what its own log holds now: the lost records stay lost.
    await node(REVIVED).stop();
    await until(`broker ${OLD_LEADER} leading ${UNCLEAN} again`, 20_000, async () => (await observed())[UNCLEAN]?.leader === OLD_LEADER);
    expect(new Set(await readBack(UNCLEAN)), `${UNCLEAN} read from broker ${OLD_LEADER}`).toEqual(readable[UNCLEAN]);
  });
});
