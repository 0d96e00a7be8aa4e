// Kafka 4.3.1's own admin tools against real Kafka and the reference broker, one node each, with the
// same assertions: kafka-topics --alter --partitions, kafka-configs --alter/--describe,
// kafka-consumer-groups --delete and kafka-leader-election, including the refusals they print.
import { expect, it } from "vitest";
import { ToolFailedError, type ToolResult } from "../../harness/tools/tool-process.ts";
import { describeWithKafkaTools } from "./kafka-tools-kit.ts";

/** A tool run that may fail: its result either way. */
async function outcome(run: Promise<ToolResult>): Promise<ToolResult> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof ToolFailedError) return error.result;
    throw error;
  }
}

describeWithKafkaTools("Kafka's admin tools", "kconform-clients-java-admin-", 300_000, (tools) => {
  const configs = (...args: string[]) => tools.cli.run("kafka-configs", ["--bootstrap-server", tools.cli.bootstrap, "--entity-type", "topics", ...args]);

  it("kafka-topics --alter --partitions adds partitions and refuses to remove any", { timeout: 90_000 }, async () => {
    await tools.cli.createTopic("widened", { partitions: 2, replicationFactor: 1 });
    await tools.cli.run("kafka-topics", ["--bootstrap-server", tools.cli.bootstrap, "--alter", "--topic", "widened", "--partitions", "4"]);
    const description = await tools.cli.describeTopic("widened");
    expect(description).toMatchObject({ partitionCount: 4 });
    expect(description.partitions.map((p) => [p.partition, p.leader])).toEqual([0, 1, 2, 3].map((p) => [p, 1]));
    expect([...(await tools.cli.endOffsets("widened")).keys()].sort()).toEqual([0, 1, 2, 3]);

    const shrink = tools.cli.run("kafka-topics", ["--bootstrap-server", tools.cli.bootstrap, "--alter", "--topic", "widened", "--partitions", "3"]);
    await expect(shrink).rejects.toMatchObject({ stderr: expect.stringContaining("InvalidPartitionsException") });
    await expect(shrink).rejects.toMatchObject({ stderr: expect.stringContaining("3 would not be an increase") });
  });

  it("kafka-configs --alter adds and deletes topic configs that --describe then lists, and refuses bad values", { timeout: 90_000 }, async () => {
    await tools.cli.createTopic("reconfigured", { partitions: 1, replicationFactor: 1 });
    await configs("--alter", "--entity-name", "reconfigured", "--add-config", "retention.ms=3600000,segment.ms=7200000");
    expect(Object.fromEntries(await tools.cli.describeTopicConfigs("reconfigured"))).toEqual({ "retention.ms": "3600000", "segment.ms": "7200000" });
    await configs("--alter", "--entity-name", "reconfigured", "--delete-config", "segment.ms");
    expect(Object.fromEntries(await tools.cli.describeTopicConfigs("reconfigured"))).toEqual({ "retention.ms": "3600000" });

    const refused = configs("--alter", "--entity-name", "reconfigured", "--add-config", "min.insync.replicas=0");
    await expect(refused).rejects.toMatchObject({ stderr: expect.stringContaining("InvalidConfigurationException") });
    await expect(refused).rejects.toMatchObject({ stderr: expect.stringContaining("Invalid value 0 for configuration min.insync.replicas") });
    const missing = configs("--alter", "--entity-name", "no-such-topic", "--add-config", "retention.ms=1");
    await expect(missing).rejects.toMatchObject({ stderr: expect.stringContaining("UnknownTopicOrPartitionException") });
    expect(Object.fromEntries(await tools.cli.describeTopicConfigs("reconfigured"))).toEqual({ "retention.ms": "3600000" });
  });

  it("kafka-consumer-groups --delete removes a group that has no members, once", { timeout: 120_000 }, async () => {
    await tools.cli.createTopic("read-once", { partitions: 1, replicationFactor: 1 });
    await tools.cli.produce("read-once", ["a", "b", "c"]);
    await tools.cli.consume("read-once", { group: "finished", fromBeginning: true, maxMessages: 3, idleTimeoutMs: 30_000 });
    expect(await tools.cli.listGroups()).toContain("finished");

    const groups = (...args: string[]) => outcome(tools.cli.run("kafka-consumer-groups", ["--bootstrap-server", tools.cli.bootstrap, "--delete", ...args]));
    const deleted = await groups("--group", "finished");
    expect(deleted.stdout).toContain("Deletion of requested consumer groups ('finished') was successful.");
    expect(await tools.cli.listGroups()).not.toContain("finished");
    const again = await groups("--group", "finished");
    expect(`${again.stdout}${again.stderr}`).toMatch(/Group 'finished' could not be deleted due to: .*GroupIdNotFoundException/);
  });

  it("kafka-leader-election reports partitions that need no election and refuses unknown ones", { timeout: 90_000 }, async () => {
    await tools.cli.createTopic("elected", { partitions: 2, replicationFactor: 1 });
    for (const type of ["preferred", "unclean"]) {
      const result = await outcome(tools.cli.run("kafka-leader-election", ["--bootstrap-server", tools.cli.bootstrap, "--election-type", type, "--topic", "elected", "--partition", "0"]));
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Valid replica already elected for partitions elected-0");
    }
    const all = await outcome(tools.cli.run("kafka-leader-election", ["--bootstrap-server", tools.cli.bootstrap, "--election-type", "preferred", "--all-topic-partitions"]));
    expect(all.code).toBe(0);
    expect(all.stdout.trim()).toBe("");
    const unknown = await outcome(tools.cli.run("kafka-leader-election", ["--bootstrap-server", tools.cli.bootstrap, "--election-type", "preferred", "--topic", "not-there", "--partition", "0"]));
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("Error completing leader election (PREFERRED) for partition: not-there-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException");
  });
});
