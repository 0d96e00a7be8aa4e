// Durability of the reference broker as an OS process: SIGKILL in the middle of a produce load with
// flush.messages=1 loses no acknowledged record and the log continues at the next offset; a clean
// stop and start keeps topics and data. The node runs as its own process, so the kill is real.
import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { startReferenceCluster, type ReferenceCluster } from "../../harness/targets/reference/cluster.ts";
import { quietKafka, until } from "./kafka-helpers.ts";
import { readPartition, WireClient } from "./reference-wire.ts";

let cluster: ReferenceCluster | undefined;
let runDir: string | undefined;

afterEach(async () => {
  await cluster?.stop({ graceful: false });
  cluster = undefined;
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  runDir = undefined;
});

async function start(): Promise<ReferenceCluster> {
  runDir = mkdtempSync(join(tmpdir(), "kconform-reference-crash-"));
  cluster = await startReferenceCluster({ nodes: 1, basePort: await findFreePortBlock(1), runDir });
  return cluster;
}

async function readAll(bootstrap: string, topic: string, partitions: number) {
  const client = await WireClient.connect(bootstrap);
  try {
    const out = [];
    for (let partition = 0; partition < partitions; partition++) out.push(await readPartition(client, topic, partition));
    return out;
  } finally {
    client.close();
  }
}

describe("reference broker process", () => {
  it("keeps every acknowledged record through a SIGKILL under load (flush.messages=1) and appends at the next offset", { timeout: 120_000 }, async () => {
    const { bootstrap, nodes } = await start();
    const node = nodes[0];
    const kafka = quietKafka([...bootstrap], { retry: { retries: 0 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "durable", numPartitions: 2, configEntries: [{ name: "flush.messages", value: "1" }] }] });
    await admin.disconnect();

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const acknowledged: { partition: number; offset: number; value: string }[] = [];
    let sent = 0;
    let killed = false;
    const loop = async () => {
      while (!killed) {
        const value = `v${sent++}`;
        try {
          const [meta] = await producer.send({ topic: "durable", acks: 1, messages: [{ key: value, value }] });
          acknowledged.push({ partition: meta.partition, offset: Number(meta.baseOffset), value });
        } catch {
          return;
        }
      }
    };
    const loops = [loop(), loop(), loop(), loop()];
    await until("a few hundred acknowledged writes", 60_000, async () => acknowledged.length >= 300);
    killed = true;
    await node.kill();
    await Promise.all(loops);
    await producer.disconnect().catch(() => {});

    await node.start();
    const partitions = await readAll(bootstrap[0], "durable", 2);
    for (const ack of acknowledged) expect(partitions[ack.partition][ack.offset]?.value?.toString()).toBe(ack.value);
    for (const records of partitions) expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));

    const after = kafka.producer({ allowAutoTopicCreation: false });
    await after.connect();
    const [next] = await after.send({ topic: "durable", messages: [{ key: "after", value: "after", partition: 0 }] });
    await after.disconnect();
    expect(Number(next.baseOffset)).toBe(partitions[0].length);
  });

  it("keeps topics and data over a clean stop and start", { timeout: 60_000 }, async () => {
    const { bootstrap, nodes } = await start();
    const kafka = quietKafka([...bootstrap]);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "kept", numPartitions: 3, configEntries: [{ name: "retention.ms", value: "86400000" }] }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "kept", messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
    await admin.disconnect();
    const before = await readAll(bootstrap[0], "kept", 3);

    await nodes[0].restart();
    const again = kafka.admin();
    await again.connect();
    try {
      expect(await again.listTopics()).toEqual(["kept"]);
      const { resources } = await again.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: "kept" }] });
      expect(resources[0].configEntries.find((e) => e.configName === "retention.ms")?.configValue).toBe("86400000");
    } finally {
      await again.disconnect();
    }
    const after = await readAll(bootstrap[0], "kept", 3);
    expect(after.map((p) => p.map((r) => [r.offset, r.value?.toString()]))).toEqual(before.map((p) => p.map((r) => [r.offset, r.value?.toString()])));
  });
});
