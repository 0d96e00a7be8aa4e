// Consumer groups on the in-process reference broker with the Java client 4.3.1, through Kafka's own
// tools: kafka-console-consumer in a group commits and a second run resumes after it, and
// kafka-consumer-groups lists the group and describes its members, partitions and lag. This is the
// proof that the Java consumer works with the versions served (OffsetFetch up to 7, OffsetCommit up to 9).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { KafkaCli } from "../../harness/tools/kafka-cli.ts";
import { findProgram } from "../../harness/proc/programs.ts";
import { titled, until } from "./kafka-helpers.ts";

const javaMissing = findProgram("java") === undefined && !process.env.CI ? "java not installed (run scripts/setup)" : undefined;

let broker: ReferenceBroker;
let cli: KafkaCli;

beforeAll(async () => {
  if (javaMissing) return;
  broker = await startReferenceBroker({
    config: { "offsets.topic.replication.factor": "1", "offsets.topic.num.partitions": "5", "group.initial.rebalance.delay.ms": "0" },
  });
  cli = await KafkaCli.create({ bootstrap: broker.bootstrap });
});

afterAll(async () => {
  await broker?.stop();
});

describe("consumer groups with the Java client 4.3.1", () => {
  it.skipIf(javaMissing !== undefined)(titled("consume in a group, commit, resume, and describe the group with kafka-consumer-groups", javaMissing), { timeout: 180_000 }, async () => {
    const topic = "java-groups";
    const group = "java-group";
    await cli.createTopic(topic, { partitions: 3, replicationFactor: 1 });
    await cli.produce(topic, Array.from({ length: 20 }, (_, i) => `k${i}\tfirst-${i}`), { keySeparator: "\t" });

    const first = await cli.consume(topic, { group, fromBeginning: true, maxMessages: 20, idleTimeoutMs: 30_000 });
    expect(first.records.map((r) => r.value).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `first-${i}`).sort());
    const committed = await cli.describeGroupOffsets(group);
    expect(committed.map((row) => [row.partition, row.lag, row.currentOffset === row.logEndOffset])).toEqual([
      [0, 0, true],
      [1, 0, true],
      [2, 0, true],
    ]);

    await cli.produce(topic, Array.from({ length: 5 }, (_, i) => `k${i}\tsecond-${i}`), { keySeparator: "\t" });
    const resumed = await cli.consume(topic, { group, maxMessages: 5, idleTimeoutMs: 30_000 });
    expect(resumed.records.map((r) => r.value).sort()).toEqual(["second-0", "second-1", "second-2", "second-3", "second-4"]);

    // A member that keeps running: kafka-consumer-groups sees it own all three partitions.
    const running = await cli.start("kafka-console-consumer", cli.consumerArgs(topic, { group }));
    try {
      let members = "";
      await until("the running member in kafka-consumer-groups --describe --members", 60_000, async () => {
        members = (await cli.run("kafka-consumer-groups", ["--bootstrap-server", broker.bootstrap, "--describe", "--group", group, "--members"])).stdout;
        return /\/127\.0\.0\.1\s+\S+\s+3\s*$/m.test(members);
      });
      expect(members).toContain("#PARTITIONS");
      expect(await cli.listGroups()).toContain(group);
    } finally {
      await running.terminate();
    }
  });
});
