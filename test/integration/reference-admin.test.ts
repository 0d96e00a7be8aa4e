// The reference broker through kafkajs's admin client, as Kafka answers it: topics created,
// listed, described (metadata and configs) and deleted; Kafka's refusals for bad names, duplicate
// topics and impossible replication factors; validate-only creation; auto-creation on Metadata.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Admin } from "kafkajs";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { quietKafka, until } from "./kafka-helpers.ts";
import { WireClient } from "./reference-wire.ts";

let broker: ReferenceBroker;
let admin: Admin;

beforeAll(async () => {
  broker = await startReferenceBroker({ config: { "num.partitions": "2" } });
  admin = quietKafka([broker.bootstrap], { retry: { retries: 2 } }).admin();
  await admin.connect();
});

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
});

describe("topics through kafkajs admin", () => {
  it("creates, lists, describes and deletes topics", async () => {
    expect(await admin.createTopics({ topics: [{ topic: "admin-a", numPartitions: 3 }, { topic: "admin-b" }] })).toBe(true);
    expect((await admin.listTopics()).sort()).toEqual(["admin-a", "admin-b"]);
    const { topics } = await admin.fetchTopicMetadata({ topics: ["admin-a", "admin-b"] });
    const a = topics.find((t) => t.name === "admin-a");
    expect(a?.partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr]).sort()).toEqual([
      [0, 1, [1], [1]],
      [1, 1, [1], [1]],
      [2, 1, [1], [1]],
    ]);
    expect(topics.find((t) => t.name === "admin-b")?.partitions).toHaveLength(2);
    expect(await admin.fetchTopicOffsets("admin-a")).toEqual(
      expect.arrayContaining([0, 1, 2].map((partition) => ({ partition, offset: "0", high: "0", low: "0" }))),
    );
    await admin.deleteTopics({ topics: ["admin-a", "admin-b"] });
    expect(await admin.listTopics()).toEqual([]);
  });

  it("refuses what Kafka refuses, per topic", async () => {
    const client = await WireClient.connect(broker.bootstrap);
    try {
      const response = await client.request(ApiKey.CreateTopics, 7, {
        topics: [
          { name: "bad name", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: "rf-too-big", numPartitions: 1, replicationFactor: 3, assignments: [], configs: [] },
          { name: "dup", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: "dup", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: "bad-config", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: "retention.ms", value: "soon" }] },
          { name: "only-validated", numPartitions: 4, replicationFactor: 1, assignments: [], configs: [{ name: "retention.ms", value: "1000" }] },
        ],
        timeoutMs: 5000,
        validateOnly: true,
      });
      const errors = Object.fromEntries(response.topics.map((t) => [t.name, t.errorCode]));
      expect(errors).toEqual({ "bad name": 17, "rf-too-big": 38, dup: 42, "bad-config": 40, "only-validated": 0 });
      const validated = response.topics.find((t) => t.name === "only-validated");
      expect(validated).toMatchObject({ numPartitions: 4, replicationFactor: 1 });
      expect(validated?.configs?.find((c) => c.name === "retention.ms")).toMatchObject({ value: "1000", configSource: 1 });
      expect(await admin.listTopics()).toEqual([]);
      await admin.createTopics({ topics: [{ topic: "exists" }] });
      const again = await client.request(ApiKey.CreateTopics, 4, {
        topics: [{ name: "exists", numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
        timeoutMs: 5000,
        validateOnly: false,
      });
      expect(again.topics[0]).toMatchObject({ errorCode: 36, errorMessage: "Topic 'exists' already exists." });
      const deleted = await client.request(ApiKey.DeleteTopics, 6, { topics: [{ name: "nope", topicId: "AAAAAAAAAAAAAAAAAAAAAA" }, { name: null, topicId: "AAAAAAAAAAAAAAAAAAAAAQ" }], timeoutMs: 5000 });
      expect(deleted.responses.map((r) => r.errorCode)).toEqual([3, 100]);
      const metadata = await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "exists" }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const topicId = metadata.topics[0].topicId ?? "";
      const byId = await client.request(ApiKey.DeleteTopics, 6, { topics: [{ name: null, topicId }], timeoutMs: 5000 });
      expect(byId.responses).toEqual([{ name: "exists", topicId, errorCode: 0, errorMessage: null }]);
      expect(await admin.listTopics()).toEqual([]);
    } finally {
      client.close();
    }
  });

  it("describes topic and broker configs the way kafka-configs reads them", async () => {
    await admin.createTopics({ topics: [{ topic: "configured", configEntries: [{ name: "retention.ms", value: "120000" }, { name: "message.timestamp.type", value: "LogAppendTime" }] }] });
    const { resources } = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: 2, name: "configured" }, { type: 4, name: "1" }] });
    const topic = resources.find((r) => r.resourceType === 2);
    const entry = (name: string) => topic?.configEntries.find((e) => e.configName === name);
    expect(entry("retention.ms")).toMatchObject({ configValue: "120000", isDefault: false, configSource: 1 });
    expect(entry("message.timestamp.type")).toMatchObject({ configValue: "LogAppendTime", configSource: 1 });
    expect(entry("segment.bytes")).toMatchObject({ configValue: "1073741824", isDefault: true, configSource: 5 });
    const brokerConfigs = resources.find((r) => r.resourceType === 4);
    expect(brokerConfigs?.configEntries.find((e) => e.configName === "num.partitions")).toMatchObject({ configValue: "2", configSource: 4, readOnly: true });
    await admin.deleteTopics({ topics: ["configured"] });
  });

  it("answers DescribeConfigs and DescribeCluster edge cases as a Kafka broker does", async () => {
    await admin.createTopics({ topics: [{ topic: "documented" }] });
    const client = await WireClient.connect(broker.bootstrap);
    try {
      const configs = await client.request(ApiKey.DescribeConfigs, 4, {
        resources: [
          { resourceType: 2, resourceName: "documented", configurationKeys: ["segment.bytes"] },
          { resourceType: 2, resourceName: "absent", configurationKeys: null },
          { resourceType: 4, resourceName: "", configurationKeys: null },
          { resourceType: 4, resourceName: "7", configurationKeys: null },
        ],
        includeSynonyms: false,
        includeDocumentation: true,
      });
      const [topic, absent, clusterDefaults, otherBroker] = configs.results;
      expect(topic.configs).toHaveLength(1);
      expect(topic.configs[0]).toMatchObject({ name: "segment.bytes", value: "1073741824", configType: 3, synonyms: [] });
      expect(topic.configs[0].documentation).toMatch(/segment/);
      expect(absent).toMatchObject({ errorCode: 3, configs: [] });
      expect(clusterDefaults).toMatchObject({ errorCode: 0, configs: [] });
      expect(otherBroker).toMatchObject({ errorCode: 42, errorMessage: "Unexpected broker id, expected 1 or empty string, but received 7" });
      const controllers = await client.request(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
      expect(controllers.errorCode).toBe(114);
      const withOperations = await client.request(ApiKey.DescribeCluster, 1, { includeClusterAuthorizedOperations: true, endpointType: 1 });
      expect(withOperations).toMatchObject({ errorCode: 0, endpointType: 1, controllerId: 1, clusterAuthorizedOperations: 0b1111110100000 });
    } finally {
      client.close();
      await admin.deleteTopics({ topics: ["documented"] });
    }
  });

  it("describes the cluster: this node, its cluster id, itself as controller", async () => {
    const cluster = await admin.describeCluster();
    expect(cluster).toEqual({ brokers: [{ nodeId: 1, host: "127.0.0.1", port: broker.port }], controller: 1, clusterId: broker.node.clusterId });
  });
});

describe("auto topic creation", () => {
  it("creates a topic a Metadata request names when auto.create.topics.enable=true, answering LEADER_NOT_AVAILABLE first", async () => {
    const auto = await startReferenceBroker({ config: { "auto.create.topics.enable": "true", "num.partitions": "3" } });
    const client = await WireClient.connect(auto.bootstrap);
    try {
      const first = await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "auto" }, { topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "bad!" }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: true });
      expect(first.topics.map((t) => [t.name, t.errorCode])).toEqual([["auto", 5], ["bad!", 17]]);
      await until("the auto-created topic", 10_000, async () => {
        const next = await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "auto" }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: true });
        return next.topics[0].errorCode === 0 && next.topics[0].partitions.length === 3 && next.topics[0].topicAuthorizedOperations === 3576;
      });
      const refused = await client.request(ApiKey.Metadata, 12, { topics: [{ topicId: "AAAAAAAAAAAAAAAAAAAAAA", name: "not-asked" }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      expect(refused.topics[0]).toMatchObject({ errorCode: 3, topicAuthorizedOperations: -2147483648 });
    } finally {
      client.close();
      await auto.stop();
    }
  });

  it("does not create topics by default", async () => {
    const client = await WireClient.connect(broker.bootstrap);
    try {
      const response = await client.request(ApiKey.Metadata, 4, { topics: [{ name: "never" }], allowAutoTopicCreation: true });
      expect(response.topics[0].errorCode).toBe(3);
      expect(await admin.listTopics()).toEqual([]);
    } finally {
      client.close();
    }
  });
});
