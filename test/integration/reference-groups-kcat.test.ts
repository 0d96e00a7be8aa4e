// Consumer groups on the in-process reference broker with librdkafka (Debian's kcat, librdkafka
// 2.0.x): its balanced consumer is only enabled when the broker advertises FindCoordinator,
// JoinGroup, SyncGroup, Heartbeat and LeaveGroup from v0, OffsetCommit overlapping 1-2 and
// OffsetFetch 1; a kcat group consumer reads a topic, commits on close, and a second run resumes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kafka } from "kafkajs";
import { startReferenceBroker, type ReferenceBroker } from "../../harness/targets/reference/in-process.ts";
import { findProgram } from "../../harness/proc/programs.ts";
import { runCommand } from "../../harness/proc/run.ts";
import { quietKafka, titled } from "./kafka-helpers.ts";

const kcatMissing = findProgram("kcat") === undefined && !process.env.CI ? "kcat not installed (apt-get install kcat)" : undefined;

let broker: ReferenceBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startReferenceBroker({
    config: { "offsets.topic.replication.factor": "1", "offsets.topic.num.partitions": "5", "group.initial.rebalance.delay.ms": "0" },
  });
  kafka = quietKafka([broker.bootstrap]);
});

afterAll(async () => {
  await broker?.stop();
});

/** One kcat group consumer run to the end of every partition; its values and its feature log. */
async function kcatGroupRun(topic: string, group: string): Promise<{ values: string[]; log: string }> {
  const result = await runCommand(
    {
      file: "kcat",
      args: ["-b", broker.bootstrap, "-G", group, topic, "-X", "auto.offset.reset=earliest", "-X", "debug=feature", "-e", "-f", "value=%s\\n"],
    },
    { timeoutMs: 60_000 },
  );
  expect(result.code).toBe(0);
  const values = result.output.split("\n").filter((line) => line.startsWith("value=")).map((line) => line.slice("value=".length));
  return { values, log: result.output };
}

describe("consumer groups with librdkafka (kcat)", () => {
  it.skipIf(kcatMissing !== undefined)(titled("a kcat group consumer reads, commits on close, and the next run resumes", kcatMissing), { timeout: 120_000 }, async () => {
    const topic = "kcat-groups";
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
      await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `first-${i}`, partition: i % 2 })) });

      const first = await kcatGroupRun(topic, "kcat-group");
      expect(first.log).toContain("Enabling feature BrokerBalancedConsumer");
      expect(first.values.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `first-${i}`).sort());

      await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((i) => ({ value: `second-${i}`, partition: i % 2 })) });
      const second = await kcatGroupRun(topic, "kcat-group");
      expect(second.values.sort()).toEqual(["second-0", "second-1", "second-2"]);
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
    }
  });
});
