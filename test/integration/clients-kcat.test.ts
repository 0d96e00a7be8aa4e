// The librdkafka client family (kcat 1.7.1 / librdkafka 2.0.2), with the same assertions against real
// Kafka 4.3.1 and the reference broker, one node each: metadata, keyed produce and read-back, a balanced
// group with a rebalance and a resume from committed offsets, the idempotent producer, every codec.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionForKey } from "../../harness/clients/partitioner.ts";
import { findProgram } from "../../harness/proc/programs.ts";
import { liveChildPids } from "../../harness/proc/reaper.ts";
import { Kcat, type KcatGroupMember } from "../../harness/tools/kcat.ts";
import type { KcatRecord } from "../../harness/tools/kcat-output.ts";
import { CLIENT_TARGET_KINDS, describeTarget, startClientTarget, targetRunDir, type ClientTarget, type ClientTargetKind } from "../../harness/tools/targets.ts";
import { quietKafka, titled, until } from "./kafka-helpers.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

/** Kafka needs java for its broker; kcat is needed against either (in CI a missing one is a broken machine). */
function skipReason(kind: ClientTargetKind): string | undefined {
  if (process.env.CI) return undefined;
  const missing = [...(findProgram("kcat") === undefined ? ["kcat"] : []), ...(kind === "kafka" && findProgram("java") === undefined ? ["java"] : [])];
  return missing.length > 0 ? `${missing.join(", ")} not installed (run scripts/setup)` : undefined;
}

const scratchDir = keepRunDirOnFailure("kconform-clients-kcat-");
const scratch = scratchDir.create();
afterAll(() => scratchDir.cleanUp());

/** Kafka creates topics on first use by default, the reference broker does not: both are told not to. */
const BROKER_CONFIG = [["auto.create.topics.enable", "false"]] as const;
/** Java's partitioner for keyed records, so where a key lands can be checked against murmur2. */
const MURMUR2 = { partitioner: "murmur2_random" };

const targets = CLIENT_TARGET_KINDS.map((kind) => ({ kind, skip: skipReason(kind), name: titled(describeTarget(kind), skipReason(kind)) }));

function byPartition(records: readonly KcatRecord[]): Map<number, KcatRecord[]> {
  const partitions = new Map<number, KcatRecord[]>();
  for (const record of records) partitions.set(record.partition, [...(partitions.get(record.partition) ?? []), record]);
  return partitions;
}

/** Every partition holds offsets 0..n-1 in order, and the values' sequence numbers ascend within it. */
function expectOrderedPartitions(records: readonly KcatRecord[]): void {
  for (const inPartition of byPartition(records).values()) {
    expect(inPartition.map((r) => r.offset)).toEqual(inPartition.map((_, i) => i));
    const sequence = inPartition.map((r) => Number(/\d+$/.exec(r.value ?? "")?.[0]));
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
  }
}

describe.each(targets)("kcat (librdkafka 2.0.2) against $name", ({ kind, skip }) => {
  let target: ClientTarget;
  let kcat: Kcat;

  beforeAll(async () => {
    if (skip !== undefined) return;
    target = await startClientTarget(kind, { nodes: 1, runDir: targetRunDir(scratch, kind), config: BROKER_CONFIG });
    kcat = Kcat.create({ bootstrap: target.bootstrap });
  });

  afterAll(async () => {
    await target?.cluster.stop();
    expect(liveChildPids()).toEqual([]);
  });

  async function createTopic(topic: string, numPartitions: number): Promise<void> {
    const admin = quietKafka([target.bootstrap]).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  const test = it.skipIf(skip !== undefined);

  test("-L lists the broker, the topic, its partitions, leaders, replicas and ISRs", { timeout: 60_000 }, async () => {
    await createTopic("listed", 4);
    const all = await kcat.metadata();
    expect(all.brokers).toEqual([{ id: 1, name: target.bootstrap }]);
    expect(all.controllerId).toBe(1);
    expect(all.topics.find((t) => t.topic === "listed")?.partitions).toEqual([0, 1, 2, 3].map((partition) => ({ partition, leader: 1, replicas: [1], isrs: [1] })));

    const missing = await kcat.metadata("no-such-topic");
    expect(missing.topics).toEqual([{ topic: "no-such-topic", error: "Broker: Unknown topic or partition", partitions: [] }]);
  });

  test("keyed records come back with -e from the beginning: all of them, in order per partition, where murmur2 puts them", { timeout: 60_000 }, async () => {
    await createTopic("keyed", 4);
    const sent = Array.from({ length: 400 }, (_, i) => ({ key: `key-${i % 23}`, value: `value-${i}` }));
    await kcat.produce("keyed", sent, { config: MURMUR2 });
    await kcat.produce("keyed", [{ value: "value-400" }], { partition: 0 });

    const records = await kcat.consume("keyed");
    expect(records).toHaveLength(401);
    expectOrderedPartitions(records);
    for (const record of records.filter((r) => r.key !== null)) expect(partitionForKey(Buffer.from(record.key ?? ""), 4)).toBe(record.partition);
    expect(records.filter((r) => r.key === null)).toMatchObject([{ partition: 0, value: "value-400" }]);
    const byValue = new Map(records.map((r) => [r.value, r.key]));
    expect(sent.every(({ key, value }) => byValue.get(value) === key)).toBe(true);
  });

  test("a balanced group (-G): one member takes all, a second joins and they split the partitions, a third resumes at the committed offsets", { timeout: 150_000 }, async () => {
    await createTopic("balanced", 4);
    await kcat.produce(
      "balanced",
      Array.from({ length: 200 }, (_, i) => ({ key: `k${i % 17}`, value: `first-${i}` })),
      { config: MURMUR2 },
    );
    const members: KcatGroupMember[] = [];
    try {
      members.push(await kcat.startGroupMember("balancers", ["balanced"]));
      const [a] = members;
      await until("member a to be assigned all 4 partitions and read all 200 records", 60_000, async () => a.assignment().length === 4 && a.records.length >= 200);

      members.push(await kcat.startGroupMember("balancers", ["balanced"]));
      const b = members[1];
      await until("a rebalance splitting the 4 partitions between a and b", 60_000, async () => a.assignment().length > 0 && b.assignment().length > 0 && a.assignment().length + b.assignment().length === 4);
      const owned = [...a.assignment(), ...b.assignment()].map((p) => p.partition).sort();
      expect(owned).toEqual([0, 1, 2, 3]);

      const more = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 17}`, value: `second-${i}` }));
      await kcat.produce("balanced", more, { config: MURMUR2 });
      const second = (member: KcatGroupMember) => member.records.filter((r) => r.value?.startsWith("second-"));
      await until("the 100 new records to reach the members", 60_000, async () => second(a).length + second(b).length >= 100);
      // Each new record went to the member owning its partition, and to no other.
      for (const member of [a, b]) {
        const mine = new Set(member.assignment().map((p) => p.partition));
        expect(second(member).every((r) => mine.has(r.partition))).toBe(true);
      }
      expect(new Set([...second(a), ...second(b)].map((r) => r.value)).size).toBe(100);
      expect(members.flatMap((m) => m.unreadable)).toEqual([]);
    } finally {
      await Promise.all(members.map((member) => member.stop()));
    }

    // a and b committed on the way out: a new member starts there, and sees only what comes after.
    await kcat.produce("balanced", [{ key: "late", value: "third-0" }], { config: MURMUR2 });
    const c = await kcat.startGroupMember("balancers", ["balanced"]);
    try {
      await until("member c to be assigned every partition and read the late record", 60_000, async () => c.assignment().length === 4 && c.records.some((r) => r.value === "third-0"));
    } finally {
      await c.stop();
    }
    expect(c.records.map((r) => r.value)).toEqual(["third-0"]);
  });

  test("the idempotent producer (-X enable.idempotence=true) writes each record exactly once, in order", { timeout: 60_000 }, async () => {
    await createTopic("idempotent", 2);
    const sent = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i % 11}`, value: `value-${i}` }));
    await kcat.produce("idempotent", sent, { config: { ...MURMUR2, "enable.idempotence": "true", acks: "all" } });
    const records = await kcat.consume("idempotent");
    expect(records).toHaveLength(1000);
    expect(new Set(records.map((r) => r.value)).size).toBe(1000);
    expectOrderedPartitions(records);
  });

  test.each(["gzip", "snappy", "lz4", "zstd"] as const)("%s batches (-z) are accepted and read back intact", { timeout: 60_000 }, async (codec) => {
    const topic = `compressed-${codec}`;
    await createTopic(topic, 2);
    // Repetitive values, so the batches really shrink.
    const sent = Array.from({ length: 500 }, (_, i) => ({ key: `k${i % 5}`, value: `${codec}-${"abcdefgh".repeat(16)}-${i}` }));
    await kcat.produce(topic, sent, { compression: codec, config: { ...MURMUR2, "linger.ms": "50" } });
    const records = await kcat.consume(topic);
    expect(records.map((r) => ({ key: r.key, value: r.value })).sort((x, y) => Number(/\d+$/.exec(x.value ?? "")?.[0]) - Number(/\d+$/.exec(y.value ?? "")?.[0]))).toEqual(sent);
    expectOrderedPartitions(records);
  });
});
