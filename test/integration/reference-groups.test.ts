// Consumer groups on the in-process reference broker with kafkajs 2.2.4, for real: partitions spread
// over members with each owned by exactly one, members beyond the partition count idle, a member
// that leaves hands its partitions over, committed offsets resume a new consumer and survive a
// broker restart, and the admin views (describeGroups, listGroups, fetchOffsets). The broker's view
// (DescribeGroups of a Stable group) is the one judged: it is what every member was handed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AssignerProtocol, type Admin, type Consumer, type Kafka, type Producer } from "kafkajs";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { quietKafka, until } from "./kafka-helpers.ts";

const GROUP_SETTINGS = {
  "offsets.topic.replication.factor": "1",
  "offsets.topic.num.partitions": "5",
  "group.initial.rebalance.delay.ms": "0",
  "group.min.session.timeout.ms": "1000",
};
// kafkajs heartbeats between fetches, so a fetch must not wait longer than a session lasts.
const CONSUMER_TIMEOUTS = { sessionTimeout: 4_000, heartbeatInterval: 250, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 };
const SETTLE_MS = 30_000;

let broker: ReferenceBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;
let consumers: Consumer[] = [];

beforeAll(async () => {
  broker = await startReferenceBroker({ config: GROUP_SETTINGS });
  await connectClients();
});

afterEach(async () => {
  await Promise.all(consumers.map((consumer) => consumer.disconnect()));
  consumers = [];
});

afterAll(async () => {
  await disconnectClients();
  await broker?.stop();
});

async function connectClients(): Promise<void> {
  kafka = quietKafka([broker.bootstrap]);
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
}

async function disconnectClients(): Promise<void> {
  await Promise.all([admin?.disconnect(), producer?.disconnect()]);
}

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions }] });
}

/** A consumer of `topic` in `groupId` that remembers the member id it was given. */
async function startConsumer(groupId: string, topic: string, eachValue: (value: string, offset: string) => void = () => {}): Promise<{ consumer: Consumer; memberId: () => string }> {
  const consumer = kafka.consumer({ groupId, ...CONSUMER_TIMEOUTS });
  consumers.push(consumer);
  let memberId = "";
  consumer.on(consumer.events.GROUP_JOIN, (event) => (memberId = event.payload.memberId));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => eachValue(message.value?.toString() ?? "", message.offset) });
  return { consumer, memberId: () => memberId };
}

/** Once the group is Stable with `members` members: each member's partitions of `topic`, by member id. */
async function stableAssignment(groupId: string, topic: string, members: number): Promise<Map<string, number[]>> {
  let assignment = new Map<string, number[]>();
  await until(`group ${groupId} stable with ${members} members`, SETTLE_MS, async () => {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group.state !== "Stable" || group.members.length !== members) return false;
    assignment = new Map(
      group.members.map((member) => {
        const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        return [member.memberId, [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b)];
      }),
    );
    return true;
  });
  return assignment;
}

/** Every partition of the topic is owned by exactly one member. */
function expectExactCover(assignment: ReadonlyMap<string, number[]>, partitionCount: number): void {
  const owned = [...assignment.values()].flat().sort((a, b) => a - b);
  expect(owned).toEqual(Array.from({ length: partitionCount }, (_, i) => i));
}

describe("consumer group membership with kafkajs", () => {
  it("spreads 6 partitions over 3 members, idles members beyond the partition count, and reassigns a leaver's partitions", { timeout: 120_000 }, async () => {
    const topic = "membership";
    const groupId = "membership-group";
    await createTopic(topic, 6);

    const first = await Promise.all([0, 1, 2].map(() => startConsumer(groupId, topic)));
    const ofThree = await stableAssignment(groupId, topic, 3);
    expectExactCover(ofThree, 6);
    expect([...ofThree.values()].map((partitions) => partitions.length)).toEqual([2, 2, 2]);
    await until("every member knows its member id", SETTLE_MS, async () => first.every((member) => ofThree.has(member.memberId())));

    const more = await Promise.all([3, 4, 5, 6].map(() => startConsumer(groupId, topic)));
    const ofSeven = await stableAssignment(groupId, topic, 7);
    await until("every member knows its member id", SETTLE_MS, async () => [...first, ...more].every((member) => ofSeven.has(member.memberId())));
    expectExactCover(ofSeven, 6);
    const idle = [...ofSeven.entries()].filter(([, partitions]) => partitions.length === 0).map(([memberId]) => memberId);
    expect(idle).toHaveLength(1);

    const leaver = [...first, ...more].find((member) => (ofSeven.get(member.memberId())?.length ?? 0) > 0);
    if (!leaver) throw new Error("no member owns a partition");
    const leaverId = leaver.memberId();
    const handedOver = ofSeven.get(leaverId) ?? [];
    await leaver.consumer.disconnect();
    const ofSix = await stableAssignment(groupId, topic, 6);
    expect(ofSix.has(leaverId)).toBe(false);
    expectExactCover(ofSix, 6);
    for (const partition of handedOver) expect([...ofSix.values()].some((partitions) => partitions.includes(partition))).toBe(true);
  });
});

describe("committed offsets with kafkajs", () => {
  /** Value i goes to partition i modulo `partitions`. */
  async function produceValues(topic: string, values: readonly string[], partitions = 1): Promise<void> {
    await producer.send({ topic, acks: -1, messages: values.map((value, i) => ({ value, partition: i % partitions })) });
  }

  /** Consumes until `count` values arrived and returns them with their offsets; the consumer stays a member until afterEach stops it. */
  async function consume(groupId: string, topic: string, count: number): Promise<{ value: string; offset: string }[]> {
    const seen: { value: string; offset: string }[] = [];
    await startConsumer(groupId, topic, (value, offset) => seen.push({ value, offset }));
    await until(`${count} records in ${groupId}`, SETTLE_MS, async () => seen.length >= count);
    return seen;
  }

  it("a new consumer of the group resumes from the committed offset", { timeout: 60_000 }, async () => {
    const topic = "resume";
    const groupId = "resume-group";
    await createTopic(topic, 1);
    await produceValues(topic, ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"]);

    const firstRun = await consume(groupId, topic, 10);
    expect(firstRun.map((r) => r.value)).toEqual(["a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9"]);
    // Only the first six were "processed": commit the position after them.
    await consumers[0].commitOffsets([{ topic, partition: 0, offset: "6" }]);
    await consumers[0].disconnect();
    consumers = [];

    await produceValues(topic, ["b0", "b1"]);
    const secondRun = await consume(groupId, topic, 6);
    expect(secondRun.map((r) => `${r.offset}:${r.value}`)).toEqual(["6:a6", "7:a7", "8:a8", "9:a9", "10:b0", "11:b1"]);
  });

  it("committed offsets survive a broker restart", { timeout: 60_000 }, async () => {
    const topic = "durable";
    await createTopic(topic, 3);
    await produceValues(topic, Array.from({ length: 30 }, (_, i) => `v${i}`), 3);
    const groups = ["durable-1", "durable-2", "durable-3"];
    for (const [i, groupId] of groups.entries()) {
      const { consumer } = await startConsumer(groupId, topic);
      await stableAssignment(groupId, topic, 1);
      await consumer.commitOffsets([0, 1, 2].map((partition) => ({ topic, partition, offset: String(i + partition) })));
    }
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    consumers = [];
    const before = await Promise.all(groups.map((groupId) => admin.fetchOffsets({ groupId, topics: [topic] })));

    await disconnectClients();
    await broker.restart();
    await connectClients();

    const after = await Promise.all(groups.map((groupId) => admin.fetchOffsets({ groupId, topics: [topic] })));
    expect(after).toEqual(before);
    // The groups themselves were replayed too: emptied by their members leaving, still "consumer" groups.
    const described = (await admin.describeGroups(groups)).groups;
    expect(described.map((g) => [g.groupId, g.state, g.protocolType])).toEqual(groups.map((groupId) => [groupId, "Empty", "consumer"]));
    expect(after[2][0].partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([[0, "2"], [1, "3"], [2, "4"]]);

    // And a consumer of the group starts where the committed offsets say: 10 records per partition.
    const resumed = await consume("durable-3", topic, 30 - (2 + 3 + 4));
    expect(resumed.map((r) => Number(r.offset)).sort((a, b) => a - b).slice(0, 3)).toEqual([2, 3, 3]);
  });
});

describe("admin views of groups with kafkajs", () => {
  it("describeGroups, listGroups and fetchOffsets show what kafka-consumer-groups prints", { timeout: 60_000 }, async () => {
    const topic = "views";
    const groupId = "views-group";
    await createTopic(topic, 2);
    await Promise.all([startConsumer(groupId, topic), startConsumer(groupId, topic)]);
    await stableAssignment(groupId, topic, 2);
    await consumers[0].commitOffsets([{ topic, partition: 0, offset: "0" }]);

    const [described] = (await admin.describeGroups([groupId])).groups;
    expect(described).toMatchObject({ errorCode: 0, groupId, state: "Stable", protocolType: "consumer", protocol: "RoundRobinAssigner" });
    for (const member of described.members) {
      expect(member).toMatchObject({ clientId: "kconform-it", clientHost: "/127.0.0.1" });
      expect(AssignerProtocol.MemberMetadata.decode(member.memberMetadata)?.topics).toEqual([topic]);
    }

    const [missing] = (await admin.describeGroups(["no-such-group"])).groups;
    expect(missing).toMatchObject({ errorCode: 0, state: "Dead", members: [] });

    const { groups } = await admin.listGroups();
    expect(groups).toContainEqual({ groupId, protocolType: "consumer" });

    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(offsets.partitions.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: "0", metadata: null },
      { partition: 1, offset: "-1", metadata: null },
    ]);
  });
});
