// The Java client family (kafka-clients 4.3.1) through Kafka's own CLI tools, with the same assertions
// against real Kafka 4.3.1 and the reference broker, one node each: kafka-topics, the console producer
// and consumer, consumer groups seen by kafka-consumer-groups, kafka-configs and the perf test.
import { expect, it } from "vitest";
import { partitionForKey } from "../../harness/clients/partitioner.ts";
import type { ConsoleRecord } from "../../harness/tools/kafka-cli-output.ts";
import { ToolFailedError } from "../../harness/tools/tool-process.ts";
import { until } from "./kafka-helpers.ts";
import { describeWithKafkaTools } from "./kafka-tools-kit.ts";

const byPartition = (records: readonly ConsoleRecord[]) => {
  const partitions = new Map<number, ConsoleRecord[]>();
  for (const record of records) partitions.set(record.partition, [...(partitions.get(record.partition) ?? []), record]);
  return partitions;
};

describeWithKafkaTools("Kafka's CLI tools", "kconform-clients-java-", 300_000, (tools) => {
  it("kafka-topics creates, lists, describes and deletes a topic", { timeout: 90_000 }, async () => {
    await tools.cli.createTopic("orders", { partitions: 3, replicationFactor: 1, config: { "retention.ms": "86400000" } });
    expect(await tools.cli.listTopics()).toContain("orders");

    const description = await tools.cli.describeTopic("orders");
    expect(description).toMatchObject({ topic: "orders", partitionCount: 3, replicationFactor: 1 });
    expect(description.configs.get("retention.ms")).toBe("86400000");
    expect(description.partitions).toEqual([0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })));

    const again = tools.cli.createTopic("orders", { partitions: 1, replicationFactor: 1 });
    await expect(again).rejects.toBeInstanceOf(ToolFailedError);
    await expect(again).rejects.toMatchObject({ stderr: expect.stringMatching(/TopicExistsException|Topic 'orders' already exists/) });

    await tools.cli.deleteTopic("orders");
    await until("orders to disappear from kafka-topics --list", 30_000, async () => !(await tools.cli.listTopics()).includes("orders"));
  });

  it("kafka-topics refuses a replication factor above the number of brokers", { timeout: 60_000 }, async () => {
    const create = tools.cli.createTopic("too-replicated", { partitions: 1, replicationFactor: 2 });
    await expect(create).rejects.toBeInstanceOf(ToolFailedError);
    await expect(create).rejects.toMatchObject({ stderr: expect.stringContaining("InvalidReplicationFactorException") });
    await expect(create).rejects.toMatchObject({ stderr: expect.stringMatching(/replication factor/i) });
    expect(await tools.cli.listTopics()).not.toContain("too-replicated");
  });

  it("kafka-configs describes the configs set on a topic", { timeout: 60_000 }, async () => {
    await tools.cli.createTopic("configured", { partitions: 1, replicationFactor: 1, config: { "retention.ms": "3600000", "max.message.bytes": "65536" } });
    const configs = await tools.cli.describeTopicConfigs("configured");
    expect(configs.get("retention.ms")).toBe("3600000");
    expect(configs.get("max.message.bytes")).toBe("65536");
  });

  it("console producer → console consumer: keyed records come back from the beginning, in order, where murmur2 puts them", { timeout: 90_000 }, async () => {
    await tools.cli.createTopic("console", { partitions: 3, replicationFactor: 1 });
    const sent = Array.from({ length: 60 }, (_, i) => ({ key: `key-${i % 7}`, value: `value-${i}` }));
    await tools.cli.produce(
      "console",
      sent.map(({ key, value }) => `${key}:${value}`),
      { keySeparator: ":", producer: { acks: "all" } },
    );

    const { records, processed } = await tools.cli.consume("console", { fromBeginning: true, maxMessages: sent.length, idleTimeoutMs: 20_000 });
    expect(processed).toBe(sent.length);
    expect(records.map(({ key, value }) => ({ key, value })).sort((a, b) => Number(a.value.slice(6)) - Number(b.value.slice(6)))).toEqual(sent);
    for (const [partition, inPartition] of byPartition(records)) {
      expect(inPartition.map((r) => r.offset)).toEqual(inPartition.map((_, i) => i));
      const order = inPartition.map((r) => Number(r.value.slice("value-".length)));
      expect(order).toEqual([...order].sort((a, b) => a - b));
      for (const record of inPartition) expect(partitionForKey(Buffer.from(record.key ?? ""), 3)).toBe(partition);
    }

    const few = await tools.cli.consume("console", { fromBeginning: true, maxMessages: 5, idleTimeoutMs: 20_000 });
    expect(few.processed).toBe(5);
    expect(few.records).toHaveLength(5);
  });

  it("a console consumer group: kafka-consumer-groups shows members, rebalances, committed offsets and lag, and it resumes there", { timeout: 150_000 }, async () => {
    await tools.cli.createTopic("grouped", { partitions: 2, replicationFactor: 1 });
    await tools.cli.produce(
      "grouped",
      Array.from({ length: 20 }, (_, i) => `k${i}:first-${i}`),
      { keySeparator: ":" },
    );

    // Members that stay: the group is Stable, and the tool shows which member owns each partition.
    const memberArgs = tools.cli.consumerArgs("grouped", { group: "readers", fromBeginning: true, consumer: { "auto.commit.interval.ms": "500" } });
    const members = [await tools.cli.start("kafka-console-consumer", memberArgs)];
    try {
      let consumed = 0;
      members[0].onStdoutLine(() => consumed++);
      await until("the first member to consume 20 records", 60_000, async () => consumed >= 20);
      await until("kafka-consumer-groups to show both partitions owned and committed", 60_000, async () => {
        const rows = await tools.cli.describeGroupOffsets("readers");
        return rows.length === 2 && rows.every((row) => row.consumerId !== undefined && row.lag === 0);
      });
      expect(await tools.cli.describeGroupState("readers")).toMatchObject({ coordinatorId: 1, assignmentStrategy: "range", state: "Stable", members: 1 });
      expect(await tools.cli.listGroups()).toContain("readers");

      // A second member joins: the group rebalances and each member owns one partition.
      members.push(await tools.cli.start("kafka-console-consumer", memberArgs));
      await until("a rebalance giving each of two members one partition", 60_000, async () => {
        const rows = await tools.cli.describeGroupMembers("readers");
        return rows.length === 2 && rows.every((row) => row.partitions === 1);
      });
      expect(await tools.cli.describeGroupState("readers")).toMatchObject({ state: "Stable", members: 2 });
      expect(consumed).toBe(20);
    } finally {
      await Promise.all(members.map((member) => member.terminate()));
    }

    const committed = await tools.cli.describeGroupOffsets("readers");
    expect(committed.map(({ topic, partition, currentOffset, logEndOffset, lag, consumerId }) => ({ topic, partition, currentOffset, logEndOffset, lag, consumerId }))).toEqual(
      [...(await tools.cli.endOffsets("grouped"))].sort(([a], [b]) => a - b).map(([partition, end]) => ({ topic: "grouped", partition, currentOffset: end, logEndOffset: end, lag: 0, consumerId: undefined })),
    );
    expect(committed.reduce((sum, row) => sum + (row.currentOffset ?? 0), 0)).toBe(20);
    expect(await tools.cli.describeGroupState("readers")).toMatchObject({ state: "Empty", members: 0 });

    await tools.cli.produce(
      "grouped",
      Array.from({ length: 5 }, (_, i) => `k${i}:second-${i}`),
      { keySeparator: ":" },
    );
    const lagging = await tools.cli.describeGroupOffsets("readers");
    expect(lagging.reduce((sum, row) => sum + (row.lag ?? 0), 0)).toBe(5);

    // No --from-beginning: the group's committed offsets decide where it starts.
    const resumed = await tools.cli.consume("grouped", { group: "readers", maxMessages: 5, idleTimeoutMs: 30_000 });
    expect(resumed.records.map((r) => r.value).sort()).toEqual(["second-0", "second-1", "second-2", "second-3", "second-4"]);
    const caughtUp = await tools.cli.describeGroupOffsets("readers");
    expect(caughtUp.map((row) => row.lag)).toEqual([0, 0]);
  });

  it.each([
    { acks: "all", idempotence: "true" },
    { acks: "all", idempotence: "false" },
    { acks: "1", idempotence: "false" },
  ])("kafka-producer-perf-test completes with acks=$acks, enable.idempotence=$idempotence, every record written once", { timeout: 120_000 }, async ({ acks, idempotence }) => {
    const topic = `perf-acks-${acks}-idempotence-${idempotence}`;
    await tools.cli.createTopic(topic, { partitions: 2, replicationFactor: 1 });
    const summary = await tools.cli.producerPerfTest({ topic, numRecords: 20_000, recordSize: 1024, throughput: -1, producer: { acks, "enable.idempotence": idempotence } }, { timeoutMs: 100_000 });
    expect(summary.records).toBe(20_000);
    const written = [...(await tools.cli.endOffsets(topic)).values()].reduce((sum, offset) => sum + offset, 0);
    expect(written).toBe(20_000);
  });
});
