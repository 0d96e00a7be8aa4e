// End to end against real Apache Kafka 4.3.1 (3 nodes, each behind Toxiproxy), driven by kafkajs
// workers and the nemesis: the safe configuration stays valid through a leader kill and a
// client-link blackhole; acks=1 with the leader killed while its followers lag loses
// acknowledged writes, and the checker reports lost-write with its evidence. And the kafkajs
// consumer worker itself: a member that gets a partition back resumes from the group's commit.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkHistory } from "../../harness/checker/catalogue.ts";
import { kafkaJsClients } from "../../harness/clients/kafkajs/factory.ts";
import { DEFAULT_CONSUMER, DEFAULT_TIMEOUTS, SAFE_PRODUCER } from "../../harness/clients/settings.ts";
import type { Completion, WorkloadClient } from "../../harness/clients/workload-client.ts";
import type { OffsetValue } from "../../harness/history/types.ts";
import { readHistoryFile } from "../../harness/history/reader.ts";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { runEnvironment } from "../../harness/run/environment.ts";
import type { RunEnvironment } from "../../harness/run/execute.ts";
import { runScenario } from "../../harness/run/run-scenario.ts";
import { startKafkaCluster, type KafkaCluster } from "../../harness/targets/kafka/cluster.ts";
import { portsNeeded } from "../../harness/targets/kafka/topology.ts";
import { safeClientBlackhole } from "../../scenarios/safe-client-blackhole.ts";
import { safeLeaderIsolation } from "../../scenarios/safe-leader-isolation.ts";
import { safeLeaderKill } from "../../scenarios/safe-leader-kill.ts";
import { strictAcks1LeaderKill } from "../../scenarios/strict-acks1-leader-kill.ts";
import { unsafeAcks1LeaderKill } from "../../scenarios/unsafe-acks1-leader-kill.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const TIME_LIMIT_MS = 20_000;
const SCENARIO_TIMEOUT_MS = 150_000;

describe("chaos scenarios against Apache Kafka 4.3.1", () => {
  let cluster: KafkaCluster;
  let env: RunEnvironment;
  const runDir = keepRunDirOnFailure("kconform-run-kafka-");
  let outDir: string;

  beforeAll(async () => {
    outDir = runDir.create();
    const basePort = await findFreePortBlock(portsNeeded({ brokers: 3, basePort: 0, proxied: true }));
    cluster = await startKafkaCluster({ nodes: 3, basePort, runDir: join(outDir, "cluster") });
    env = runEnvironment(cluster, { clients: kafkaJsClients, say: () => undefined });
  });

  afterAll(async () => {
    await cluster?.stop({ graceful: false });
    runDir.cleanUp();
  });

  const run = (scenario: typeof safeLeaderKill, seed: number) => runScenario(env, scenario, { seed, timeLimitMs: TIME_LIMIT_MS, shrinkTimeMs: 0, outDir, brokers: 3 });

  it("acks=all + idempotence + RF=3 + min.insync.replicas=2 with a leader SIGKILLed: valid", { timeout: SCENARIO_TIMEOUT_MS }, async () => {
    const result = await run(safeLeaderKill, 11);
    expect(result.check["unknown-reasons"]).toEqual([]);
    expect(result.check["anomaly-types"]).toEqual([]);
    expect(result.status).toBe("passed");
    expect(result.faults.length).toBeGreaterThan(0);
    expect(result.faults[0]).toMatchObject({ fault: "kill" });
    expect(result.faults[0].endNs).toBeDefined();
    expect(result.check.stats["values-sent"]).toBeGreaterThan(100);
  });

  it("the same safe configuration with the client links black-holed: valid", { timeout: SCENARIO_TIMEOUT_MS }, async () => {
    const result = await run(safeClientBlackhole, 12);
    expect(result.check["unknown-reasons"]).toEqual([]);
    expect(result.check["anomaly-types"]).toEqual([]);
    expect(result.status).toBe("passed");
    expect(result.faults[0]).toMatchObject({ fault: "blackhole" });
    expect(result.faults[0].targets.some((target) => /blackhole/.test(target))).toBe(true);
  });

  it("acks=1 with the leader killed while its followers lag: lost-write, with evidence", { timeout: SCENARIO_TIMEOUT_MS }, async () => {
    const result = await run(strictAcks1LeaderKill, 13);
    expect(result.status).toBe("failed");
    const lost = result.check.anomalies["lost-write"] ?? [];
    expect(lost.length).toBeGreaterThan(0);
    expect(lost[0].ops.length).toBeGreaterThanOrEqual(2);
    expect(lost[0].explanation).toMatch(/acknowledged at offset \d+, but no poll ever returned it/);
    // At acks=1's documented guarantee level the same history is acceptable.
    const history = await readHistoryFile(join(outDir, result.history));
    expect(checkHistory(history.events, { allowed: unsafeAcks1LeaderKill.allowed }).valid).toBe(true);
  });

  it("a partition isolating a leader needs the brokers in network namespaces: skipped, with the reason", { timeout: SCENARIO_TIMEOUT_MS }, async () => {
    const result = await run(safeLeaderIsolation, 14);
    expect(result.status).toBe("skipped");
    expect(result.skipReason).toMatch(/partition-isolate: .*network namespaces/);
  });

  describe("kafkajs consumer worker", () => {
    const consumer = (process: number) => kafkaJsClients.create({ role: "consumer", process, consumer: DEFAULT_CONSUMER, timeouts: DEFAULT_TIMEOUTS }, env.access);
    const polled = (completion: Completion): Record<string, OffsetValue[]> => (completion.value as [string, Record<string, OffsetValue[]>][])[0][1];

    async function produce(topic: string, perPartition: number, first: number): Promise<void> {
      const producer = kafkaJsClients.create({ role: "producer", process: 0, producer: SAFE_PRODUCER, timeouts: DEFAULT_TIMEOUTS }, env.access);
      await producer.open();
      for (let i = 0; i < perPartition; i++) {
        for (const partition of [0, 1]) expect((await producer.invoke({ f: "send", sends: [{ topic, partition, value: first + 2 * i + partition }] })).type).toBe("ok");
      }
      await producer.close();
    }

    /** Polls until a poll comes back empty after `minimum` records; returns the last offset read per partition. */
    async function drain(client: WorkloadClient, minimum: number): Promise<Map<string, number[]>> {
      const read = new Map<string, number[]>();
      let total = 0;
      for (let empty = 0; empty < 4 || total < minimum; ) {
        const completion = await client.invoke({ f: "poll" });
        const records = Object.entries(polled(completion));
        for (const [partition, pairs] of records) read.set(partition, [...(read.get(partition) ?? []), ...pairs.map(([offset]) => offset as number)]);
        const n = records.reduce((sum, [, pairs]) => sum + pairs.length, 0);
        total += n;
        empty = n === 0 ? empty + 1 : 0;
      }
      return read;
    }

    it("a member that gets a partition back resumes from the group's committed offset, not its own older commit", { timeout: 120_000 }, async () => {
      const topic = "kc-regain";
      const group = "kc-regain-g";
      const admin = kafkaJsClients.admin(env.adminAccess);
      await admin.createTopic({ topic, partitions: 2, replicationFactor: 3, config: {} });
      await admin.close();
      await produce(topic, 30, 1);
      const a = consumer(1);
      const b = consumer(2);
      try {
        await a.open();
        expect((await a.invoke({ f: "subscribe", topics: [topic], group })).type).toBe("ok");
        await drain(a, 60);
        expect((await a.invoke({ f: "commit" })).value).toEqual({ [`${topic}-0`]: 30, [`${topic}-1`]: 30 });
        await produce(topic, 30, 101);
        await b.open();
        const joined = b.invoke({ f: "subscribe", topics: [topic], group });
        // A must poll for the rebalance to complete on its side.
        const aRead = drain(a, 30);
        expect((await joined).type).toBe("ok");
        const bRead = await drain(b, 30);
        await aRead;
        const [moved] = [...bRead.keys()];
        expect(bRead.get(moved)).toEqual(Array.from({ length: 30 }, (_, i) => 30 + i));
        expect((await b.invoke({ f: "commit" })).value).toEqual({ [moved]: 60 });
        await b.close();
        // A gets `moved` back: it must continue after B's commit (60), not from its own (30).
        const again = new Map<string, number[]>();
        let regained = false;
        for (const deadline = performance.now() + 30_000; !regained && performance.now() < deadline; ) {
          const completion = await a.invoke({ f: "poll" });
          regained = (completion.rebalance ?? []).some((event) => event.type === "assigned" && event.partitions.includes(moved));
          for (const [partition, pairs] of Object.entries(polled(completion))) again.set(partition, [...(again.get(partition) ?? []), ...pairs.map(([offset]) => offset as number)]);
        }
        expect(regained).toBe(true);
        for (const [partition, offsets] of await drain(a, 0)) again.set(partition, [...(again.get(partition) ?? []), ...offsets]);
        for (const offset of again.get(moved) ?? []) expect(offset).toBeGreaterThanOrEqual(60);
        const commit = await a.invoke({ f: "commit" });
        expect(commit.type).toBe("ok");
        const offsets = commit.value as Record<string, number>;
        if (offsets[moved] !== undefined) expect(offsets[moved]).toBeGreaterThanOrEqual(60);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
