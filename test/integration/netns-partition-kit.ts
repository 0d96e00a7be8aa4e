// The partition tests both targets share: every node in its own network namespace; the leader of an
// RF=3, min.insync.replicas=2 partition is cut off from the other brokers (clients still reach it).
// A new leader is elected on the majority side, the isolated broker cannot acknowledge an acks=all
// write, and once healed it rejoins the ISR, its unreplicated write gone; the safe-leader-isolation
// scenario runs its partitions and is valid. Skipped, with the reason, where this process may not
// build namespaces.
import { readlinkSync } from "node:fs";
import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaJsClients } from "../../harness/clients/kafkajs/factory.ts";
import { isolateNode } from "../../harness/net/netns/grudge.ts";
import { listNamespaces, type NamespaceNetwork } from "../../harness/net/netns/network.ts";
import { netnsSupport } from "../../harness/net/netns/support.ts";
import { runEnvironment } from "../../harness/run/environment.ts";
import { runScenario } from "../../harness/run/run-scenario.ts";
import type { Cluster } from "../../harness/targets/target.ts";
import { safeLeaderIsolation } from "../../scenarios/safe-leader-isolation.ts";
import { consumeRecords, quietKafka, titled, until } from "./kafka-helpers.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const support = await netnsSupport();

/** Why these tests cannot run here: the namespace probe's reason, else the target's own. */
export function partitionSkipReason(targetReason: string | undefined): string | undefined {
  return support.ok ? targetReason : support.reason;
}

export interface NamespacedCluster extends Cluster {
  readonly brokerNetwork: NamespaceNetwork | undefined;
}

export interface LeaderIsolationOptions {
  /** Starts a 3-broker cluster with network "namespaces" in runDir. */
  start(runDir: string): Promise<NamespacedCluster>;
  skipReason: string | undefined;
  /** Bound on the election, and on the healed broker's return to the ISR. */
  settleMs: number;
  startTimeoutMs: number;
  /** Bound on one run of the safe-leader-isolation scenario, final read included. */
  scenarioTimeoutMs: number;
}

interface PartitionState {
  leader: number;
  isr: number[];
}

const TOPIC = "isolated-leader";

type KafkaError = Error & { type?: string; cause?: KafkaError; originalError?: KafkaError };

/** The broker's own error under kafkajs's retry wrapper, e.g. REQUEST_TIMED_OUT. */
function brokerError(error: KafkaError): string {
  const inner = error.originalError ?? error.cause;
  return inner !== undefined ? brokerError(inner) : (error.type ?? `${error.name}: ${error.message}`);
}

export function describeLeaderIsolation(title: string, options: LeaderIsolationOptions): void {
  const { skipReason } = options;
  describe.skipIf(skipReason !== undefined)(titled(title, skipReason), () => {
    let cluster: NamespacedCluster;
    let network: NamespaceNetwork;
    const runDirs = keepRunDirOnFailure("kconform-netns-partition-");
    let runDir: string;

    const addressOf = (nodeId: number) => {
      const address = cluster.nodes.find((node) => node.nodeId === nodeId)?.clientAddress;
      if (address === undefined) throw new Error(`node ${nodeId} has no client address`);
      return address;
    };
    const brokerIds = () => cluster.nodes.filter((node) => node.roles.includes("broker")).map((node) => node.nodeId);
    /** A client that bootstraps only from these brokers, so its metadata is theirs. */
    const clientOf = (nodeIds: readonly number[]): Kafka => quietKafka(nodeIds.map(addressOf), { retry: { retries: 0 }, requestTimeout: 10_000, connectionTimeout: 3_000 });

    async function partitionState(kafka: Kafka): Promise<PartitionState> {
      const admin = kafka.admin();
      try {
        await admin.connect();
        const { topics } = await admin.fetchTopicMetadata({ topics: [TOPIC] });
        const [partition] = topics[0].partitions;
        return { leader: partition.leader, isr: [...partition.isr].sort((a, b) => a - b) };
      } finally {
        await admin.disconnect();
      }
    }

    async function produce(kafka: Kafka, value: string): Promise<void> {
      const producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
      await producer.connect();
      try {
        await producer.send({ topic: TOPIC, acks: -1, timeout: 3_000, messages: [{ value }] });
      } finally {
        await producer.disconnect();
      }
    }

    beforeAll(async () => {
      runDir = runDirs.create();
      cluster = await options.start(runDir);
      if (cluster.brokerNetwork === undefined) throw new Error("the cluster was started without network namespaces");
      network = cluster.brokerNetwork;
      const admin = quietKafka(cluster.bootstrap).admin();
      await admin.connect();
      try {
        await admin.createTopics({
          topics: [{ topic: TOPIC, numPartitions: 1, replicationFactor: 3, configEntries: [{ name: "min.insync.replicas", value: "2" }, { name: "unclean.leader.election.enable", value: "false" }] }],
          waitForLeaders: true,
        });
      } finally {
        await admin.disconnect();
      }
    }, options.startTimeoutMs);

    afterAll(async () => {
      await cluster?.stop();
      runDirs.cleanUp();
    }, 60_000);

    it("runs every node in a network namespace of its own, apart from ours", () => {
      const own = readlinkSync("/proc/self/ns/net");
      const namespaces = cluster.nodes.map((node) => readlinkSync(`/proc/${node.pid()}/ns/net`));
      expect(new Set(namespaces).size).toBe(cluster.nodes.length);
      expect(namespaces).not.toContain(own);
    });

    it("isolating the leader: the majority elects another, the isolated one acks nothing, healing brings it back to the ISR", async () => {
      const all = brokerIds();
      await until(`a full ISR for ${TOPIC}`, options.settleMs, async () => (await partitionState(clientOf(all))).isr.length === 3);
      await produce(clientOf(all), "before");
      const { leader } = await partitionState(clientOf(all));
      const majority = all.filter((id) => id !== leader);

      await network.partition(isolateNode(all, leader));
      let elected: PartitionState | undefined;
      await until(`a leader other than ${leader} on the majority side`, options.settleMs, async () => {
        const state = await partitionState(clientOf(majority));
        if (state.leader < 0 || state.leader === leader || state.isr.includes(leader)) return false;
        elected = state;
        return true;
      });
      expect(majority).toContain(elected?.leader);

      // Its own stale metadata still names it leader, so the write goes to it, and must fail.
      const isolatedWrite = await produce(clientOf([leader]), "isolated").then(
        () => "acknowledged",
        (error: KafkaError) => brokerError(error),
      );
      // A broker's refusal, not a connection error: the client path to the isolated broker stays open.
      expect(["REQUEST_TIMED_OUT", "NOT_ENOUGH_REPLICAS", "NOT_ENOUGH_REPLICAS_AFTER_APPEND", "NOT_LEADER_FOR_PARTITION"]).toContain(isolatedWrite);
      await produce(clientOf(majority), "majority");

      await network.heal();
      await until(`broker ${leader} back in the ISR`, options.settleMs, async () => (await partitionState(clientOf(majority))).isr.includes(leader));

      const kafka = quietKafka(all.map(addressOf));
      const admin = kafka.admin();
      await admin.connect();
      const [{ high }] = await admin.fetchTopicOffsets(TOPIC).finally(() => admin.disconnect());
      const values = (await consumeRecords(kafka, TOPIC, Number(high), options.settleMs)).map((record) => record.value);
      expect(values).toEqual(["before", "majority"]);
    });

    it("safe-leader-isolation runs its partitions instead of skipping them, and is valid", { timeout: options.scenarioTimeoutMs }, async () => {
      const env = runEnvironment(cluster, { clients: kafkaJsClients, say: () => undefined });
      const result = await runScenario(env, safeLeaderIsolation, { seed: 5, timeLimitMs: 20_000, shrinkTimeMs: 0, outDir: runDir, brokers: 3 });
      expect(result.check["unknown-reasons"]).toEqual([]);
      expect(result.check["anomaly-types"]).toEqual([]);
      expect(result.status).toBe("passed");
      expect(result.faults.length).toBeGreaterThan(0);
      expect(result.faults.every((window) => window.fault === "partition-isolate" && window.endNs !== undefined)).toBe(true);
    });

    it("stop removes every namespace of the cluster", async () => {
      await cluster.stop();
      const left = (await listNamespaces()).filter((name) => name.includes(network.runId));
      expect(left).toEqual([]);
    });
  });
}
