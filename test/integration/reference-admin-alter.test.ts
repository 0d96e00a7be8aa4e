// The admin APIs Kafka's tools and kafkajs's admin call beyond create/delete, against one reference
// node and a 3-node reference cluster: CreatePartitions (every broker serves and replicates the new
// partitions), AlterConfigs and IncrementalAlterConfigs (every broker describes the change, the log
// applies it live), DeleteGroups (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, tombstones in
// __consumer_offsets), DescribeQuorum's request check — with Kafka's refusals for each.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Admin, ConfigResourceTypes, Kafka } from "kafkajs";
import { startReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { partitionForGroup } from "../../reference-broker/groups/coordinator-partition.ts";
import { decodeGroupRecord } from "../../reference-broker/groups/records.ts";
import { ErrorCode } from "../../reference-broker/protocol/errors.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { quietKafka, until } from "./kafka-helpers.ts";
import { metadataOf, startTestCluster } from "./reference-cluster-kit.ts";
import { readPartition, WireClient } from "./reference-wire.ts";

const TOPIC_RESOURCE = 2 as ConfigResourceTypes;
const BROKER_RESOURCE = 4 as ConfigResourceTypes;
const { SET, DELETE } = { SET: 0, DELETE: 1 };
const OFFSETS_PARTITIONS = 3;

/** Retention runs often, so a live retention change shows within the test. */
const CONFIG: [string, string][] = [
  ["log.retention.check.interval.ms", "200"],
  ["offsets.topic.num.partitions", String(OFFSETS_PARTITIONS)],
];

interface AdminTarget {
  /** The client address of every broker, in node id order (broker n at index n-1). */
  addresses: string[];
  stop(): Promise<void>;
}

const TARGETS: { name: string; nodes: number; start: () => Promise<AdminTarget> }[] = [
  {
    name: "one reference node",
    nodes: 1,
    start: async () => {
      const broker = await startReferenceBroker({ config: Object.fromEntries(CONFIG) });
      return { addresses: [broker.bootstrap], stop: () => broker.stop() };
    },
  },
  {
    name: "a 3-node reference cluster",
    nodes: 3,
    start: async () => {
      const test = await startTestCluster({ nodes: 3, config: CONFIG });
      return { addresses: [...test.cluster.bootstrap], stop: () => test.destroy() };
    },
  },
];

async function withWire<T>(address: string, use: (client: WireClient) => Promise<T>): Promise<T> {
  const client = await WireClient.connect(address);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

describe.each(TARGETS)("admin APIs on $name", ({ nodes, start }) => {
  let target: AdminTarget;
  let kafka: Kafka;
  let admin: Admin;
  const replicationFactor = Math.min(3, nodes);

  beforeAll(async () => {
    target = await start();
    kafka = quietKafka(target.addresses, { retry: { retries: 3 } });
    admin = kafka.admin();
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    await admin?.disconnect();
    await target?.stop();
  });

  /** DescribeConfigs v4 of one topic config, as the broker at address answers it. */
  const describedOn = (address: string, topic: string, name: string) =>
    withWire(address, async (client) => {
      const response = await client.request(ApiKey.DescribeConfigs, 4, {
        resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic, configurationKeys: [name] }],
        includeSynonyms: false,
        includeDocumentation: false,
      });
      const config = response.results[0].configs[0];
      return { value: config.value, configSource: config.configSource };
    });

  /** Every broker describes the config so, once it has applied the change (brokers catch up on their own). */
  const untilDescribedEverywhere = (topic: string, name: string, expected: { value?: string | null; configSource: number }) =>
    until(`every broker to describe ${name} of ${topic} as ${JSON.stringify(expected)}`, 10_000, async () => {
      const described = await Promise.all(target.addresses.map((address) => describedOn(address, topic, name)));
      return described.every((d) => d.configSource === expected.configSource && (expected.value === undefined || d.value === expected.value));
    });

  it("CreatePartitions grows a topic that every broker then serves and replicates; it never shrinks one", { timeout: 60_000 }, async () => {
    await admin.createTopics({ topics: [{ topic: "grow", numPartitions: 2, replicationFactor }] });
    const everyBrokerServes = async (count: number) => (await Promise.all(target.addresses.map(metadataOf))).every((view) => view.topics.grow?.length === count);
    await until("every broker to serve the 2 partitions of grow", 10_000, () => everyBrokerServes(2));
    await admin.createPartitions({ validateOnly: true, topicPartitions: [{ topic: "grow", count: 6 }] });
    expect(await everyBrokerServes(2)).toBe(true);

    await admin.createPartitions({ topicPartitions: [{ topic: "grow", count: 5 }] });
    await until("every broker to serve 5 partitions of grow, each led with a full ISR", 20_000, async () => {
      const views = await Promise.all(target.addresses.map(metadataOf));
      return views.every((view) => view.topics.grow?.length === 5 && view.topics.grow.every((p) => p.leader > 0 && p.isr.length === replicationFactor));
    });
    const partitions = (await metadataOf(target.addresses[0])).topics.grow;
    expect(new Set(partitions.map((p) => p.leader)).size).toBe(nodes);
    for (const p of partitions) expect(new Set(p.replicas).size).toBe(replicationFactor);

    // acks=all on a new partition: acknowledged only once every replica of the full ISR has it.
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: "grow", acks: -1, messages: [{ partition: 4, value: "in-a-new-partition" }] });
    } finally {
      await producer.disconnect();
    }
    const leader = partitions[4].leader;
    const read = await withWire(target.addresses[leader - 1], (client) => readPartition(client, "grow", 4));
    expect(read.map((r) => r.value?.toString())).toEqual(["in-a-new-partition"]);

    await expect(admin.createPartitions({ topicPartitions: [{ topic: "grow", count: 3 }] })).rejects.toMatchObject({ type: "INVALID_PARTITIONS" });
    const answers = await withWire(target.addresses[0], (client) =>
      client.request(ApiKey.CreatePartitions, 3, {
        topics: [
          { name: "grow", count: 5, assignments: null },
          { name: "no-such-topic", count: 2, assignments: null },
          { name: "twice", count: 2, assignments: null },
          { name: "twice", count: 3, assignments: null },
          { name: "grow", count: 7, assignments: [{ brokerIds: [1] }] },
        ],
        timeoutMs: 5_000,
        validateOnly: false,
      }),
    );
    expect(answers.results.map((r) => [r.name, r.errorCode, r.errorMessage])).toEqual([
      ["grow", ErrorCode.INVALID_REQUEST, "Duplicate topic name."],
      ["twice", ErrorCode.INVALID_REQUEST, "Duplicate topic name."],
      ["no-such-topic", ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null],
    ]);
    expect(await everyBrokerServes(5)).toBe(true);
  });

  it("AlterConfigs replaces a topic's overrides, IncrementalAlterConfigs changes single keys; every broker describes the result", { timeout: 60_000 }, async () => {
    await admin.createTopics({ topics: [{ topic: "tuned", numPartitions: 1, replicationFactor }] });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: TOPIC_RESOURCE, name: "tuned", configEntries: [{ name: "retention.ms", value: "3600000" }, { name: "max.message.bytes", value: "65536" }] }],
    });
    await untilDescribedEverywhere("tuned", "retention.ms", { value: "3600000", configSource: 1 });

    // The legacy form: what is not named goes back to its default.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC_RESOURCE, name: "tuned", configEntries: [{ name: "max.message.bytes", value: "65536" }] }] });
    await untilDescribedEverywhere("tuned", "retention.ms", { value: "604800000", configSource: 5 });
    await expect(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: TOPIC_RESOURCE, name: "tuned", configEntries: [{ name: "retention.ms", value: "soon" }] }] }),
    ).rejects.toMatchObject({ type: "INVALID_CONFIG" });

    const incremental = (validateOnly: boolean, resources: { resourceType: number; resourceName: string; configs: { name: string; configOperation: number; value: string | null }[] }[]) =>
      withWire(target.addresses[nodes - 1], (client) => client.request(ApiKey.IncrementalAlterConfigs, 1, { resources, validateOnly }));
    const validated = await incremental(true, [{ resourceType: TOPIC_RESOURCE, resourceName: "tuned", configs: [{ name: "segment.ms", configOperation: SET, value: "1000" }] }]);
    expect(validated.responses.map((r) => r.errorCode)).toEqual([ErrorCode.NONE]);
    expect(await describedOn(target.addresses[0], "tuned", "segment.ms")).toEqual({ value: "604800000", configSource: 5 });

    const answered = await incremental(false, [
      { resourceType: TOPIC_RESOURCE, resourceName: "tuned", configs: [{ name: "segment.ms", configOperation: SET, value: "1000" }, { name: "max.message.bytes", configOperation: DELETE, value: null }] },
      { resourceType: TOPIC_RESOURCE, resourceName: "missing", configs: [{ name: "segment.ms", configOperation: SET, value: "1000" }] },
      { resourceType: TOPIC_RESOURCE, resourceName: "grow", configs: [{ name: "no.such.config", configOperation: SET, value: "1" }] },
      { resourceType: BROKER_RESOURCE, resourceName: String(nodes), configs: [{ name: "log.retention.ms", configOperation: SET, value: "1000" }] },
    ]);
    expect(answered.responses.map((r) => [r.resourceName, r.errorCode, r.errorMessage])).toEqual([
      ["tuned", ErrorCode.NONE, null],
      ["missing", ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'missing' does not exist."],
      ["grow", ErrorCode.INVALID_CONFIG, "Unknown topic config name: no.such.config"],
      [String(nodes), ErrorCode.INVALID_REQUEST, expect.stringContaining("does not support dynamic broker configs")],
    ]);
    const malformed = await incremental(false, [
      { resourceType: TOPIC_RESOURCE, resourceName: "grow", configs: [{ name: "retention.ms", configOperation: SET, value: null }] },
      { resourceType: TOPIC_RESOURCE, resourceName: "tuned", configs: [{ name: "retention.ms", configOperation: SET, value: "1" }, { name: "retention.ms", configOperation: DELETE, value: null }] },
      { resourceType: TOPIC_RESOURCE, resourceName: "consumed", configs: [] },
      { resourceType: TOPIC_RESOURCE, resourceName: "consumed", configs: [] },
    ]);
    expect(malformed.responses.map((r) => [r.resourceName, r.errorCode, r.errorMessage])).toEqual([
      ["grow", ErrorCode.INVALID_REQUEST, "Null value not supported for : retention.ms"],
      ["tuned", ErrorCode.INVALID_REQUEST, "Error due to duplicate config keys"],
      ["consumed", ErrorCode.INVALID_REQUEST, "Each resource must appear at most once."],
      ["consumed", ErrorCode.INVALID_REQUEST, "Each resource must appear at most once."],
    ]);
    await untilDescribedEverywhere("tuned", "segment.ms", { value: "1000", configSource: 1 });
    await untilDescribedEverywhere("tuned", "max.message.bytes", { configSource: 5 });
  });

  it("a retention change applies live: old segments of the topic are deleted", { timeout: 60_000 }, async () => {
    await admin.createTopics({ topics: [{ topic: "expiring", numPartitions: 1, replicationFactor }] });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: "expiring", acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `old-${i}` })) });
      await withWire(target.addresses[0], (client) =>
        client.request(ApiKey.IncrementalAlterConfigs, 1, {
          resources: [{ resourceType: TOPIC_RESOURCE, resourceName: "expiring", configs: [{ name: "segment.ms", configOperation: SET, value: "100" }, { name: "retention.ms", configOperation: SET, value: "100" }] }],
          validateOnly: false,
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The next append rolls the aged segment, which retention may then delete.
      await producer.send({ topic: "expiring", acks: -1, messages: [{ value: "new" }] });
    } finally {
      await producer.disconnect();
    }
    await until("the log start offset of expiring-0 to pass the old records", 20_000, async () => {
      const [offsets] = await admin.fetchTopicOffsets("expiring");
      return Number(offsets.low) >= 10;
    });
  });

  it("DescribeQuorum answers for __cluster_metadata-0 and UNKNOWN_TOPIC_OR_PARTITION for anything else, as Kafka does", { timeout: 30_000 }, async () => {
    const ask = (topics: { topicName: string; partitions: { partitionIndex: number }[] }[]) =>
      withWire(target.addresses[0], (client) => client.request(ApiKey.DescribeQuorum, 2, { topics }));
    const answer = await ask([{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 0 }] }]);
    expect(answer.topics[0].partitions[0]).toMatchObject({ partitionIndex: 0, errorCode: ErrorCode.NONE });
    expect(answer.topics[0].partitions[0].leaderId).toBeGreaterThan(0);
    expect(answer.topics[0].partitions[0].currentVoters.length).toBeGreaterThan(0);
    const wrong = await ask([{ topicName: "grow", partitions: [{ partitionIndex: 0 }, { partitionIndex: 1 }] }]);
    expect(wrong.topics.map((t) => [t.topicName, t.partitions.map((p) => [p.partitionIndex, p.errorCode])])).toEqual([
      ["grow", [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], [1, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
    ]);
    const second = await ask([{ topicName: "__cluster_metadata", partitions: [{ partitionIndex: 1 }] }]);
    expect(second.topics[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("DeleteGroups removes an empty group and its offsets with tombstones, and refuses groups with members or unknown", { timeout: 90_000 }, async () => {
    await admin.createTopics({ topics: [{ topic: "consumed", numPartitions: 2, replicationFactor }] });
    // Offsets committed by the admin client: a group without members.
    await admin.setOffsets({ groupId: "idle", topic: "consumed", partitions: [{ partition: 0, offset: "0" }, { partition: 1, offset: "0" }] });
    const consumer = kafka.consumer({ groupId: "members", sessionTimeout: 10_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: "consumed" });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({ eachMessage: async () => {} });
    try {
      await until("the consumer to join its group", 30_000, async () => joined);
      const refused = admin.deleteGroups(["members", "ghost"]);
      await expect(refused).rejects.toMatchObject({
        name: "KafkaJSDeleteGroupsError",
        groups: expect.arrayContaining([
          expect.objectContaining({ groupId: "members", errorCode: ErrorCode.NON_EMPTY_GROUP }),
          expect.objectContaining({ groupId: "ghost", errorCode: ErrorCode.GROUP_ID_NOT_FOUND }),
        ]),
      });
    } finally {
      await consumer.disconnect();
    }

    expect(await admin.deleteGroups(["idle", "members"])).toEqual(
      expect.arrayContaining([expect.objectContaining({ groupId: "idle", errorCode: 0 }), expect.objectContaining({ groupId: "members", errorCode: 0 })]),
    );
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId)).not.toEqual(expect.arrayContaining(["idle"]));
    const [offsets] = await admin.fetchOffsets({ groupId: "idle", topics: ["consumed"] });
    expect(offsets.partitions.map((p) => p.offset)).toEqual(["-1", "-1"]);

    // The tombstones are in the group's partition of the offsets topic, after its commits.
    const partition = partitionForGroup("idle", OFFSETS_PARTITIONS);
    const leader = (await metadataOf(target.addresses[0])).topics.__consumer_offsets[partition].leader;
    const records = await withWire(target.addresses[leader - 1], (client) => readPartition(client, "__consumer_offsets", partition));
    const idle = records.map((r) => decodeGroupRecord(r.key!, r.value)).filter((r) => r.groupId === "idle");
    expect(idle.slice(-3).map((r) => [r.type, r.value])).toEqual([
      ["offset-commit", null],
      ["offset-commit", null],
      ["group-metadata", null],
    ]);
  });
});
