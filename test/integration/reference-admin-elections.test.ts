// Admin changes that act on leadership and the ISR, in a reference cluster of two brokers beside one
// dedicated controller (so both replicas can die while the quorum stays up): min.insync.replicas
// changed live refuses and then accepts acks=all writes; with every in-sync replica gone, turning
// unclean.leader.election.enable on elects nothing at once (as in KRaft, the periodic unclean
// election, minutes away, will read it), while ElectLeaders UNCLEAN elects the out-of-sync survivor
// on request whatever the topic says; ElectLeaders PREFERRED moves leadership back once the
// preferred replica is in sync again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kafka } from "kafkajs";
import { ErrorCode } from "../../reference-broker/protocol/errors.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { quietKafka, until } from "./kafka-helpers.ts";
import { addressOf, metadataOf, startTestCluster, type PartitionView, type TestCluster } from "./reference-cluster-kit.ts";
import { WireClient } from "./reference-wire.ts";

const BY_CONFIG = "unclean-by-config";
const BY_ELECTION = "unclean-by-election";
const TOPICS = [BY_CONFIG, BY_ELECTION];
const [PREFERRED, SURVIVOR] = [1, 2];
const TOPIC_RESOURCE = 2;
const SET = 0;
const DELETE = 1;
const PREFERRED_ELECTION = 0;
const UNCLEAN_ELECTION = 1;

let test: TestCluster;

beforeAll(async () => {
  test = await startTestCluster({
    nodes: 2,
    controllers: 1,
    // Only the admin requests under test may move leadership back or elect uncleanly.
    config: [
      ["auto.leader.rebalance.enable", "false"],
      ["broker.session.timeout.ms", "3000"],
    ],
  });
  const admin = quietKafka([addressOf(test.cluster, SURVIVOR)]).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: TOPICS.map((topic) => ({
        topic,
        replicaAssignment: [{ partition: 0, replicas: [PREFERRED, SURVIVOR] }],
        configEntries: [{ name: "unclean.leader.election.enable", value: "false" }],
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

async function partitionsSeenBy(brokerId: number): Promise<Record<string, PartitionView | undefined>> {
  const view = await metadataOf(addressOf(test.cluster, brokerId));
  return Object.fromEntries(TOPICS.map((topic) => [topic, view.topics[topic]?.[0]]));
}

async function untilBoth(brokerId: number, what: string, holds: (p: PartitionView) => boolean): Promise<void> {
  await until(what, 30_000, async () => Object.values(await partitionsSeenBy(brokerId)).every((p) => p !== undefined && holds(p)));
}

async function ask<T>(brokerId: number, request: (client: WireClient) => Promise<T>): Promise<T> {
  const client = await WireClient.connect(addressOf(test.cluster, brokerId));
  try {
    return await request(client);
  } finally {
    client.close();
  }
}

function alterTopicConfig(brokerId: number, topic: string, name: string, operation: number, value: string | null) {
  return ask(brokerId, (client) =>
    client.request(ApiKey.IncrementalAlterConfigs, 1, { resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configs: [{ name, configOperation: operation, value }] }], validateOnly: false }),
  );
}

function electLeaders(brokerId: number, electionType: number, topic: string) {
  return ask(brokerId, (client) => client.request(ApiKey.ElectLeaders, 2, { electionType, topicPartitions: [{ topic, partitions: [0] }], timeoutMs: 5_000 }));
}

async function describedUnclean(brokerId: number, topic: string): Promise<string | null> {
  const response = await ask(brokerId, (client) =>
    client.request(ApiKey.DescribeConfigs, 4, { resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configurationKeys: ["unclean.leader.election.enable"] }], includeSynonyms: false, includeDocumentation: false }),
  );
  return response.results[0].configs[0]?.value ?? null;
}

async function produceOne(kafka: Kafka, topic: string, value: string): Promise<void> {
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ value }] });
  } finally {
    await producer.disconnect();
  }
}

describe("admin changes acting on leadership", () => {
  it("min.insync.replicas live, unclean election enabled by config and done by request, then a preferred election", { timeout: 120_000 }, async () => {
    await untilBoth(SURVIVOR, `both partitions led by ${PREFERRED} with the full ISR`, (p) => p.leader === PREFERRED && p.isr.length === 2);
    const kafka = quietKafka([addressOf(test.cluster, PREFERRED)], { requestTimeout: 5_000, retry: { retries: 0 } });

    // The survivor dies: fenced after its session, it leaves the ISR.
    await node(SURVIVOR).kill();
    await untilBoth(PREFERRED, `the ISR shrunk to ${PREFERRED}`, (p) => p.leader === PREFERRED && p.isr.join() === String(PREFERRED));

    // min.insync.replicas=2 now refuses acks=all writes on the leader; removing it accepts them again.
    expect((await alterTopicConfig(PREFERRED, BY_CONFIG, "min.insync.replicas", SET, "2")).responses[0].errorCode).toBe(ErrorCode.NONE);
    await expect(produceOne(kafka, BY_CONFIG, "refused")).rejects.toMatchObject({ cause: { type: "NOT_ENOUGH_REPLICAS" } });
    expect((await alterTopicConfig(PREFERRED, BY_CONFIG, "min.insync.replicas", DELETE, null)).responses[0].errorCode).toBe(ErrorCode.NONE);
    await produceOne(kafka, BY_CONFIG, "accepted");

    // The last in-sync replica dies; the out-of-sync one returns. Unclean election is off: no leader.
    await node(PREFERRED).kill();
    await node(SURVIVOR).start();
    await until(`broker ${SURVIVOR} registered and unfenced`, 30_000, async () => (await metadataOf(addressOf(test.cluster, SURVIVOR))).brokers.join() === String(SURVIVOR));
    await untilBoth(SURVIVOR, "both partitions without a leader", (p) => p.leader === -1);

    // Turning unclean election on is a config change, live on every broker, but elects nothing by itself.
    expect((await alterTopicConfig(SURVIVOR, BY_CONFIG, "unclean.leader.election.enable", SET, "true")).responses[0].errorCode).toBe(ErrorCode.NONE);
    expect(await describedUnclean(SURVIVOR, BY_CONFIG)).toBe("true");
    expect((await partitionsSeenBy(SURVIVOR))[BY_CONFIG]?.leader).toBe(-1);

    // ElectLeaders UNCLEAN does it on request, whatever the topic's config says; once led, it is not needed.
    const elected = await electLeaders(SURVIVOR, UNCLEAN_ELECTION, BY_ELECTION);
    expect(elected).toMatchObject({ errorCode: ErrorCode.NONE, replicaElectionResults: [{ topic: BY_ELECTION, partitionResult: [{ partitionId: 0, errorCode: ErrorCode.NONE }] }] });
    expect((await partitionsSeenBy(SURVIVOR))[BY_ELECTION]).toMatchObject({ leader: SURVIVOR, isr: [SURVIVOR] });
    expect((await electLeaders(SURVIVOR, UNCLEAN_ELECTION, BY_ELECTION)).replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED);

    // The preferred replica returns. It leads the partition nobody led again (it is its ISR); it
    // follows the uncleanly elected one, truncated, and is elected back there once in sync.
    await node(PREFERRED).start();
    await untilBoth(SURVIVOR, `broker ${PREFERRED} back in both ISRs`, (p) => p.isr.includes(PREFERRED));
    expect((await partitionsSeenBy(SURVIVOR))[BY_CONFIG]?.leader).toBe(PREFERRED);
    expect((await partitionsSeenBy(SURVIVOR))[BY_ELECTION]?.leader).toBe(SURVIVOR);
    expect((await electLeaders(SURVIVOR, PREFERRED_ELECTION, BY_ELECTION)).replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.NONE);
    await untilBoth(SURVIVOR, `both partitions led by ${PREFERRED} again`, (p) => p.leader === PREFERRED);
    expect((await electLeaders(SURVIVOR, PREFERRED_ELECTION, BY_CONFIG)).replicaElectionResults[0].partitionResult[0].errorCode).toBe(ErrorCode.ELECTION_NOT_NEEDED);
  });
});
