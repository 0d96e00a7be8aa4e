// Consumer groups on the in-process reference broker at the wire level, for what kafkajs cannot do
// or show: the group API versions advertised (librdkafka's consumer needs 0 of each), FindCoordinator
// v0-v4 and the creation of __consumer_offsets on first need (refused, as in Kafka, while it would
// need more replicas than there are brokers), a member that stops heartbeating without leaving,
// static membership (group.instance.id), and OffsetCommit/OffsetFetch across versions.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AssignerProtocol, type Consumer, type Kafka } from "kafkajs";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { CONSUMER_OFFSETS_TOPIC } from "../../reference-broker/metadata/topic-names.ts";
import { ErrorCode } from "../../reference-broker/protocol/errors.ts";
import { ApiKey, type JoinGroupRequest, type JoinGroupResponse } from "../../reference-broker/protocol/generated/messages.ts";
import { quietKafka, until } from "./kafka-helpers.ts";
import { WireClient } from "./reference-wire.ts";

const GROUP_SETTINGS = {
  "offsets.topic.replication.factor": "1",
  "offsets.topic.num.partitions": "5",
  "group.initial.rebalance.delay.ms": "0",
  "group.min.session.timeout.ms": "1000",
};
const SETTLE_MS = 30_000;

let broker: ReferenceBroker;
let kafka: Kafka;
const clients: WireClient[] = [];
const consumers: Consumer[] = [];

beforeAll(async () => {
  broker = await startReferenceBroker({ config: GROUP_SETTINGS });
  kafka = quietKafka([broker.bootstrap]);
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(consumers.splice(0).map((consumer) => consumer.disconnect()));
});

afterAll(async () => {
  await broker?.stop();
});

async function client(on: ReferenceBroker = broker): Promise<WireClient> {
  const connected = await WireClient.connect(on.bootstrap);
  clients.push(connected);
  return connected;
}

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }] });
  } finally {
    await admin.disconnect();
  }
}

/** FindCoordinator v3 until the offsets topic exists and the group has a coordinator. */
async function awaitCoordinator(wire: WireClient, groupId: string): Promise<void> {
  await until(`a coordinator for ${groupId}`, SETTLE_MS, async () => (await wire.request(ApiKey.FindCoordinator, 3, { key: groupId, keyType: 0 })).errorCode === ErrorCode.NONE);
}

/** A JoinGroup v5 (v4+ asks a new dynamic member to come back with the id it is given). */
async function join(wire: WireClient, request: Omit<JoinGroupRequest, "protocolType" | "rebalanceTimeoutMs"> & { rebalanceTimeoutMs?: number }): Promise<JoinGroupResponse> {
  const full = { protocolType: "consumer", rebalanceTimeoutMs: 10_000, ...request };
  const first = await wire.request(ApiKey.JoinGroup, 5, full);
  if (first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED) return first;
  return wire.request(ApiKey.JoinGroup, 5, { ...full, memberId: first.memberId });
}

describe("group API versions", () => {
  it("advertises the group APIs Kafka 4 serves, from version 0 where librdkafka's consumer checks for it", async () => {
    const wire = await client();
    const { apiKeys } = await wire.request(ApiKey.ApiVersions, 3, { clientSoftwareName: "kconform", clientSoftwareVersion: "1" });
    const ranges = new Map(apiKeys.map((api) => [api.apiKey, [api.minVersion, api.maxVersion]]));
    expect(
      [ApiKey.OffsetCommit, ApiKey.OffsetFetch, ApiKey.FindCoordinator, ApiKey.JoinGroup, ApiKey.Heartbeat, ApiKey.LeaveGroup, ApiKey.SyncGroup, ApiKey.DescribeGroups, ApiKey.ListGroups].map(
        (key) => [key, ranges.get(key)],
      ),
    ).toEqual([
      [ApiKey.OffsetCommit, [2, 9]],
      [ApiKey.OffsetFetch, [1, 7]],
      [ApiKey.FindCoordinator, [0, 4]],
      [ApiKey.JoinGroup, [0, 9]],
      [ApiKey.Heartbeat, [0, 4]],
      [ApiKey.LeaveGroup, [0, 5]],
      [ApiKey.SyncGroup, [0, 5]],
      [ApiKey.DescribeGroups, [0, 5]],
      [ApiKey.ListGroups, [0, 5]],
    ]);
  });
});

describe("FindCoordinator and the offsets topic", () => {
  it("creates __consumer_offsets on first need, then names this broker for every version and batch", { timeout: 60_000 }, async () => {
    const fresh = await startReferenceBroker({ config: GROUP_SETTINGS });
    try {
      const wire = await client(fresh);
      const [host, port] = fresh.bootstrap.split(":");
      expect((await wire.request(ApiKey.OffsetFetch, 5, { groupId: "early", topics: null })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
      const first = await wire.request(ApiKey.FindCoordinator, 0, { key: "early" });
      expect(first).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: "", port: -1 });
      await awaitCoordinator(wire, "early");

      expect(await wire.request(ApiKey.FindCoordinator, 0, { key: "early" })).toMatchObject({ errorCode: 0, nodeId: 1, host, port: Number(port) });
      expect(await wire.request(ApiKey.FindCoordinator, 3, { key: "early", keyType: 0 })).toMatchObject({ errorCode: 0, errorMessage: "NONE", nodeId: 1 });
      const batched = await wire.request(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ["a", "b"] });
      expect(batched.coordinators).toEqual([
        { key: "a", nodeId: 1, host, port: Number(port), errorCode: 0, errorMessage: null },
        { key: "b", nodeId: 1, host, port: Number(port), errorCode: 0, errorMessage: null },
      ]);
      const transactional = await wire.request(ApiKey.FindCoordinator, 4, { keyType: 1, coordinatorKeys: ["txn"] });
      expect(transactional.coordinators?.[0]).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1 });
      const unknownType = await wire.request(ApiKey.FindCoordinator, 3, { key: "x", keyType: 7 });
      expect(unknownType.errorCode).toBe(ErrorCode.INVALID_REQUEST);

      const metadata = await wire.request(ApiKey.Metadata, 12, { topics: [{ name: CONSUMER_OFFSETS_TOPIC, topicId: "AAAAAAAAAAAAAAAAAAAAAA" }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(metadata.topics[0]).toMatchObject({ errorCode: 0, name: CONSUMER_OFFSETS_TOPIC, isInternal: true });
      expect(metadata.topics[0].partitions).toHaveLength(5);
    } finally {
      await fresh.stop();
    }
  });

  it("has no coordinator while offsets.topic.replication.factor exceeds the live brokers, as Kafka since KIP-115", { timeout: 60_000 }, async () => {
    const undersized = await startReferenceBroker({ config: { ...GROUP_SETTINGS, "offsets.topic.replication.factor": "3" } });
    try {
      const wire = await client(undersized);
      for (let attempt = 0; attempt < 5; attempt++) {
        const found = await wire.request(ApiKey.FindCoordinator, 3, { key: "g", keyType: 0 });
        expect(found.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const metadata = await wire.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(metadata.topics.map((t) => t.name)).not.toContain(CONSUMER_OFFSETS_TOPIC);
      const joined = await join(wire, { groupId: "g", sessionTimeoutMs: 6_000, memberId: "", protocols: [{ name: "range", metadata: Buffer.alloc(0) }] });
      expect(joined.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    } finally {
      await undersized.stop();
    }
  });
});

describe("session timeouts", () => {
  it("a member that stops heartbeating without leaving loses its partitions once its session times out", { timeout: 60_000 }, async () => {
    const topic = "silent";
    const groupId = "silent-group";
    await createTopic(topic, 6);
    for (let i = 0; i < 2; i++) {
      const consumer = kafka.consumer({ groupId, sessionTimeout: 4_000, heartbeatInterval: 250, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async () => {} });
    }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const stableMembers = async (count: number) => {
        let members: { memberId: string; partitions: number[] }[] = [];
        await until(`${groupId} stable with ${count} members`, SETTLE_MS, async () => {
          const [group] = (await admin.describeGroups([groupId])).groups;
          members = group.members.map((m) => ({ memberId: m.memberId, partitions: AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [] }));
          return group.state === "Stable" && members.length === count;
        });
        return members;
      };
      await stableMembers(2);

      // A member that joins like a consumer, takes its share, and then falls silent.
      const silent = await client();
      await awaitCoordinator(silent, groupId);
      const subscription = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: [topic], userData: Buffer.alloc(0) });
      const joined = await join(silent, { groupId, sessionTimeoutMs: 1_500, memberId: "", protocols: [{ name: "RoundRobinAssigner", metadata: subscription }] });
      expect(joined.errorCode).toBe(ErrorCode.NONE);
      const synced = await silent.request(ApiKey.SyncGroup, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, assignments: [] });
      expect(synced.errorCode).toBe(ErrorCode.NONE);
      const taken = AssignerProtocol.MemberAssignment.decode(synced.assignment)?.assignment[topic] ?? [];
      expect(taken).toHaveLength(2);

      const survivors = await stableMembers(2);
      expect(survivors.map((m) => m.memberId)).not.toContain(joined.memberId);
      expect(survivors.flatMap((m) => m.partitions).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
      const heartbeat = await silent.request(ApiKey.Heartbeat, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null });
      expect(heartbeat.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    } finally {
      await admin.disconnect();
    }
  });
});

describe("static membership", () => {
  it("a static member that restarts takes its place back without a rebalance, and fences its old incarnation", { timeout: 60_000 }, async () => {
    const groupId = "static-group";
    const protocols = [{ name: "range", metadata: Buffer.from("subscription") }];
    const a = await client();
    await awaitCoordinator(a, groupId);
    const joinedA = await join(a, { groupId, sessionTimeoutMs: 10_000, memberId: "", groupInstanceId: "instance-a", protocols });
    expect(joinedA).toMatchObject({ errorCode: 0, generationId: 1, leader: joinedA.memberId });
    const syncA = (generationId: number, assignments: { memberId: string; assignment: Buffer }[]) =>
      a.request(ApiKey.SyncGroup, 3, { groupId, generationId, memberId: joinedA.memberId, groupInstanceId: "instance-a", assignments });
    await syncA(1, [{ memberId: joinedA.memberId, assignment: Buffer.from("all") }]);

    // B joins: A learns of the rebalance from its heartbeat and rejoins; A stays the leader.
    const b = await client();
    const pendingB = join(b, { groupId, sessionTimeoutMs: 10_000, memberId: "", groupInstanceId: "instance-b", protocols });
    const heartbeatA = (generationId: number) => a.request(ApiKey.Heartbeat, 3, { groupId, generationId, memberId: joinedA.memberId, groupInstanceId: "instance-a" });
    await until("A told to rejoin", SETTLE_MS, async () => (await heartbeatA(1)).errorCode === ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoinedA = await join(a, { groupId, sessionTimeoutMs: 10_000, memberId: joinedA.memberId, groupInstanceId: "instance-a", protocols });
    const joinedB = await pendingB;
    expect(rejoinedA).toMatchObject({ errorCode: 0, generationId: 2, leader: joinedA.memberId });
    expect(rejoinedA.members.map((m) => m.groupInstanceId).sort()).toEqual(["instance-a", "instance-b"]);
    const syncB = b.request(ApiKey.SyncGroup, 3, { groupId, generationId: 2, memberId: joinedB.memberId, groupInstanceId: "instance-b", assignments: [] });
    await syncA(2, [
      { memberId: joinedA.memberId, assignment: Buffer.from("for-a") },
      { memberId: joinedB.memberId, assignment: Buffer.from("for-b") },
    ]);
    expect((await syncB).assignment.toString()).toBe("for-b");

    // B "restarts": a new connection, no member id, the same instance id.
    b.close();
    const b2 = await client();
    const rejoinedB = await join(b2, { groupId, sessionTimeoutMs: 10_000, memberId: "", groupInstanceId: "instance-b", protocols });
    expect(rejoinedB.errorCode).toBe(ErrorCode.NONE);
    expect(rejoinedB.generationId).toBe(2);
    expect(rejoinedB.memberId).not.toBe(joinedB.memberId);
    const resynced = await b2.request(ApiKey.SyncGroup, 3, { groupId, generationId: 2, memberId: rejoinedB.memberId, groupInstanceId: "instance-b", assignments: [] });
    expect(resynced).toMatchObject({ errorCode: 0 });
    expect(resynced.assignment.toString()).toBe("for-b");
    expect((await heartbeatA(2)).errorCode).toBe(ErrorCode.NONE);
    const oldIncarnation = await b2.request(ApiKey.Heartbeat, 3, { groupId, generationId: 2, memberId: joinedB.memberId, groupInstanceId: "instance-b" });
    expect(oldIncarnation.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);

    const described = await b2.request(ApiKey.DescribeGroups, 4, { groups: [groupId], includeAuthorizedOperations: false });
    expect(described.groups[0].groupState).toBe("Stable");
    expect(described.groups[0].members.map((m) => [m.groupInstanceId, m.memberId]).sort()).toEqual([
      ["instance-a", joinedA.memberId],
      ["instance-b", rejoinedB.memberId],
    ]);

    // Leaving by instance id (what a static member's shutdown does with LeaveGroup v3+) rebalances.
    const left = await b2.request(ApiKey.LeaveGroup, 3, { groupId, members: [{ memberId: "", groupInstanceId: "instance-b" }] });
    expect(left).toMatchObject({ errorCode: 0, members: [{ memberId: "", groupInstanceId: "instance-b", errorCode: 0 }] });
    expect((await heartbeatA(2)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });
});

describe("the oldest versions served", () => {
  it("a whole group lifecycle at JoinGroup, SyncGroup, Heartbeat, LeaveGroup, DescribeGroups and ListGroups v0, OffsetCommit v2, OffsetFetch v1", async () => {
    const groupId = "oldest-group";
    const wire = await client();
    await awaitCoordinator(wire, groupId);
    // v0 has no member-id round trip and no rebalance timeout (the session timeout stands in).
    const joined = await wire.request(ApiKey.JoinGroup, 0, { groupId, sessionTimeoutMs: 6_000, memberId: "", protocolType: "consumer", protocols: [{ name: "range", metadata: Buffer.from("m") }] });
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: "range", leader: joined.memberId });
    const { memberId, generationId } = joined;
    const synced = await wire.request(ApiKey.SyncGroup, 0, { groupId, generationId, memberId, assignments: [{ memberId, assignment: Buffer.from("mine") }] });
    expect(synced).toMatchObject({ errorCode: 0 });
    expect(synced.assignment.toString()).toBe("mine");
    expect(await wire.request(ApiKey.Heartbeat, 0, { groupId, generationId, memberId })).toMatchObject({ errorCode: 0 });

    const committed = await wire.request(ApiKey.OffsetCommit, 2, {
      groupId,
      generationIdOrMemberEpoch: generationId,
      memberId,
      retentionTimeMs: -1n,
      topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: 3n, committedMetadata: "" }] }],
    });
    // No topic "orders" exists: Kafka refuses the partition before the coordinator sees it.
    expect(committed.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const fetched = await wire.request(ApiKey.OffsetFetch, 1, { groupId, topics: [{ name: "orders", partitionIndexes: [0] }] });
    expect(fetched.topics?.[0].partitions[0]).toMatchObject({ committedOffset: -1n, errorCode: 0 });

    const described = await wire.request(ApiKey.DescribeGroups, 0, { groups: [groupId] });
    expect(described.groups[0]).toMatchObject({ errorCode: 0, groupState: "Stable", protocolType: "consumer", protocolData: "range" });
    expect(described.groups[0].members[0].memberAssignment.toString()).toBe("mine");
    expect((await wire.request(ApiKey.ListGroups, 0, {})).groups.map((g) => [g.groupId, g.protocolType])).toContainEqual([groupId, "consumer"]);

    expect(await wire.request(ApiKey.LeaveGroup, 0, { groupId, memberId })).toMatchObject({ errorCode: 0 });
    expect((await wire.request(ApiKey.DescribeGroups, 0, { groups: [groupId] })).groups[0].groupState).toBe("Empty");
  });
});

describe("committed offsets across versions", () => {
  it("OffsetCommit refuses unknown partitions and stores the rest; OffsetFetch reads them back from v1 to v7", async () => {
    const topic = "committed";
    const groupId = "committed-group";
    await createTopic(topic, 2);
    const wire = await client();
    await awaitCoordinator(wire, groupId);
    const committed = await wire.request(ApiKey.OffsetCommit, 8, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: "",
      groupInstanceId: null,
      topics: [
        { name: topic, partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 0, committedMetadata: "m" }, { partitionIndex: 9, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] },
        { name: "no-such-topic", partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] },
      ],
    });
    expect(committed.topics).toEqual([
      { name: topic, partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      { name: "no-such-topic", partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
    ]);

    const v1 = await wire.request(ApiKey.OffsetFetch, 1, { groupId, topics: [{ name: topic, partitionIndexes: [0, 1] }] });
    expect(v1.topics?.[0].partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])).toEqual([
      [0, 42n, "m", 0],
      [1, -1n, "", 0],
    ]);
    const v7 = await wire.request(ApiKey.OffsetFetch, 7, { groupId, topics: null, requireStable: true });
    expect(v7).toMatchObject({ errorCode: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 0, metadata: "m", errorCode: 0 }] }] });

    const listed = await wire.request(ApiKey.ListGroups, 5, { statesFilter: ["empty"], typesFilter: ["classic"] });
    expect(listed.groups).toContainEqual({ groupId, protocolType: "", groupState: "Empty", groupType: "classic" });
  });
});
