// Guarantee (KIP-392): with broker.rack set and replica.selector.class=RackAwareReplicaSelector, a
// consumer whose client.rack is a follower's rack is told that follower as its preferred read
// replica and reads the same records from it, up to the high watermark.
// Source: kafka-notes.md "Leader for a Partition" ("Consumers will read only from leader (since v2.4+ can
// read from replica as well)"); https://kafka.apache.org/documentation/#brokerconfigs_replica.selector.class
import fc from "fast-check";
import kafkajs, { type LogEntry } from "kafkajs";
import { setTimeout as sleep } from "node:timers/promises";
import { offsetRanges, sendInOrder, SpecSetupError, withAdmin, withProducer, withTopic } from "./kit/clients.ts";
import { groupKafka, setupStep, type ConsumedRecord, type ProducedRecord } from "./kit/groups.ts";
import type { Spec, SpecContext, SpecTarget } from "./spec.ts";
import { RACK_AWARE_REPLICA_SELECTOR } from "../harness/targets/racks.ts";

// Node's ESM loader cannot see this CommonJS export by name (Vitest can): take it from the module object.
const { ConfigResourceTypes } = kafkajs;


/** A broker as follower fetching sees it. */
export interface BrokerPlacement {
  nodeId: number;
  /** host:port as advertised to clients. */
  address: string;
  rack: string | null;
  replicaSelector: string | null;
}

/** Why follower fetching cannot be shown on these brokers, or undefined when it can. Pure. */
export function rackProblem(brokers: readonly BrokerPlacement[]): string | undefined {
  const withoutRack = brokers.filter((broker) => broker.rack === null || broker.rack === "");
  if (withoutRack.length === brokers.length) return `the brokers have no broker.rack set; follower fetching needs each broker in a rack (e.g. broker.rack=rack-<node id>)`;
  if (withoutRack.length > 0) return `broker(s) ${withoutRack.map((b) => b.nodeId).join(", ")} have no broker.rack set, the others do`;
  const racks = new Set(brokers.map((broker) => broker.rack));
  if (racks.size < 2) return `every broker is in rack ${[...racks][0]}: no follower is ever in a rack apart from its leader`;
  const unselective = brokers.filter((broker) => broker.replicaSelector !== RACK_AWARE_REPLICA_SELECTOR);
  if (unselective.length > 0) return `replica.selector.class is not ${RACK_AWARE_REPLICA_SELECTOR} on broker(s) ${unselective.map((b) => b.nodeId).join(", ")} (unset, consumers read from the leader only)`;
  return undefined;
}

/** Each broker's address, broker.rack and replica.selector.class, from Metadata and DescribeConfigs. */
export async function brokerPlacements(target: SpecTarget): Promise<BrokerPlacement[]> {
  return withAdmin(target, async (admin) => {
    const { brokers } = await admin.describeCluster();
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: brokers.map((broker) => ({ type: ConfigResourceTypes.BROKER, name: String(broker.nodeId), configNames: ["broker.rack", "replica.selector.class"] })),
    });
    const valueOf = (nodeId: number, name: string) => {
      const value = resources.find((resource) => resource.resourceName === String(nodeId))?.configEntries.find((entry) => entry.configName === name)?.configValue;
      return value === undefined || value === null || value === "" ? null : value;
    };
    return brokers
      .map((broker) => ({ nodeId: broker.nodeId, address: `${broker.host}:${broker.port}`, rack: valueOf(broker.nodeId, "broker.rack"), replicaSelector: valueOf(broker.nodeId, "replica.selector.class") }))
      .sort((a, b) => a.nodeId - b.nodeId);
  });
}

/** For the lead's async precondition: why the target cannot host this spec, asked of the brokers themselves. */
export async function followerFetchingUnavailable(target: SpecTarget): Promise<string | undefined> {
  return rackProblem(await brokerPlacements(target));
}

export interface PartitionReplicas {
  partition: number;
  leader: number;
  isr: number[];
}

/**
 * Which replicas RackAwareReplicaSelector may name for a consumer in `clientRack`: none (the leader
 * serves) when the leader is in that rack or no in-sync replica is, else the in-sync replicas
 * there (it picks the most caught-up one). Pure.
 */
export function expectedReadReplicas(partition: PartitionReplicas, rackOf: ReadonlyMap<number, string | null>, clientRack: string): number[] {
  if (rackOf.get(partition.leader) === clientRack) return [];
  return partition.isr.filter((replica) => replica !== partition.leader && rackOf.get(replica) === clientRack);
}

export interface FollowerFetchEvidence {
  clientRack: string;
  replicas: readonly PartitionReplicas[];
  rackOf: ReadonlyMap<number, string | null>;
  addressOf: ReadonlyMap<number, string>;
  /** Preferred read replicas the leaders named, per partition, in the order kafkajs reported them. */
  told: ReadonlyMap<number, readonly number[]>;
  /** Fetch requests the consumer sent, per broker address. */
  fetchesTo: ReadonlyMap<string, number>;
  produced: readonly ProducedRecord[];
  read: readonly ConsumedRecord[];
  /** High watermark per partition when the consumer started (nothing was written afterwards). */
  highWatermarks: ReadonlyMap<number, number>;
}

/** What breaks the guarantee in the evidence, one sentence each; empty when it holds. Pure. */
export function followerFetchingViolations(evidence: FollowerFetchEvidence): string[] {
  const violations: string[] = [];
  for (const replicas of evidence.replicas) {
    const { partition, leader } = replicas;
    const expected = expectedReadReplicas(replicas, evidence.rackOf, evidence.clientRack);
    const told = evidence.told.get(partition) ?? [];
    if (expected.length === 0 && told.length > 0) violations.push(`partition ${partition}: its leader ${leader} is in the consumer's rack ${evidence.clientRack} (or no in-sync replica is), yet it named replica ${told.join(", ")} to read from`);
    if (expected.length > 0 && told.length === 0) violations.push(`partition ${partition}: in-sync replica ${expected.join("/")} is in the consumer's rack ${evidence.clientRack}, but leader ${leader} (rack ${evidence.rackOf.get(leader)}) never named a preferred read replica`);
    for (const replica of told.filter((id) => !expected.includes(id))) {
      if (expected.length > 0) violations.push(`partition ${partition}: leader ${leader} named replica ${replica} (rack ${evidence.rackOf.get(replica)}), not an in-sync replica in the consumer's rack ${evidence.clientRack} (${expected.join("/")})`);
    }
    for (const replica of new Set(told)) {
      const address = evidence.addressOf.get(replica);
      if ((evidence.fetchesTo.get(address ?? "") ?? 0) === 0) violations.push(`partition ${partition}: the consumer was told to read from replica ${replica} but never fetched from it (${address ?? "no address"})`);
    }
  }
  const written = new Map(evidence.produced.map((record) => [`${record.partition}@${record.offset}`, record.value]));
  const seen = new Set<string>();
  for (const record of evidence.read) {
    const key = `${record.partition}@${record.offset}`;
    seen.add(key);
    const highWatermark = evidence.highWatermarks.get(record.partition) ?? 0;
    if (record.offset >= highWatermark) violations.push(`partition ${record.partition}: read offset ${record.offset}, at or beyond the high watermark ${highWatermark}`);
    else if (written.get(key) !== record.value) violations.push(`partition ${record.partition}, offset ${record.offset}: read ${JSON.stringify(record.value)}, but ${JSON.stringify(written.get(key) ?? null)} was written there`);
  }
  const missing = evidence.produced.filter((record) => !seen.has(`${record.partition}@${record.offset}`));
  if (missing.length > 0) violations.push(`${missing.length} record(s) were never read, first ${missing[0].value} at partition ${missing[0].partition}, offset ${missing[0].offset}`);
  return violations;
}

const READ_TIMEOUT_MS = 15_000;
const PREFERRED = /^Preferred read replica is now (\d+)$/;

interface RackConsumerRead {
  told: Map<number, number[]>;
  fetchesTo: Map<string, number>;
  read: ConsumedRecord[];
}

/** Reads the topic to its high watermarks as a consumer in `clientRack`, noting whom the leaders sent it to. */
async function readFromRack(context: SpecContext, topic: string, clientRack: string, highWatermarks: ReadonlyMap<number, number>): Promise<RackConsumerRead> {
  const result: RackConsumerRead = { told: new Map(), fetchesTo: new Map(), read: [] };
  const onLog = (entry: LogEntry) => {
    const log = entry.log as { message?: string; topic?: unknown; partition?: unknown };
    const told = log.topic === topic && typeof log.partition === "number" ? PREFERRED.exec(log.message ?? "") : null;
    if (told !== null) result.told.set(log.partition as number, [...(result.told.get(log.partition as number) ?? []), Number(told[1])]);
  };
  const consumer = groupKafka(context.target, "kconform-spec-rack-reader", { onLog }).consumer({
    groupId: context.unique("group"),
    rackId: clientRack,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: 200,
  });
  consumer.on(consumer.events.REQUEST, ({ payload }) => {
    if (payload.apiName === "Fetch") result.fetchesTo.set(payload.broker, (result.fetchesTo.get(payload.broker) ?? 0) + 1);
  });
  const furthest = new Map<number, number>();
  const behind = () => [...highWatermarks].some(([partition, hw]) => (furthest.get(partition) ?? -1) < hw - 1);
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        result.read.push({ partition, offset, value: message.value?.toString() ?? null });
        furthest.set(partition, Math.max(furthest.get(partition) ?? -1, offset));
        if (!behind()) markDone();
      },
    });
    await Promise.race([done, sleep(READ_TIMEOUT_MS)]);
  } finally {
    await consumer.disconnect();
  }
  return result;
}

export const followerFetching: Spec = {
  name: "follower-fetching",
  guarantee: "A consumer whose client.rack is a follower's rack is told that in-sync follower as its preferred read replica (RackAwareReplicaSelector) and reads the same records from it, up to the high watermark.",
  source: 'kafka-notes.md "Leader for a Partition": "Consumers will read only from leader (since v2.4+ can read from replica as well)"; KIP-392; https://kafka.apache.org/documentation/#brokerconfigs_replica.selector.class',
  numRuns: 3,
  timeLimitMs: 20_000,
  async unavailable(target) {
    const brokers = target.cluster.nodes.filter((node) => node.roles.includes("broker")).length;
    if (target.cluster.owned && brokers < 2) return `follower fetching needs a follower: at least 2 brokers; the target has ${brokers}`;
    return followerFetchingUnavailable(target);
  },
  property: (context) =>
    fc.asyncProperty(
      fc.record({
        partitions: fc.integer({ min: 1, max: 3 }),
        records: fc.integer({ min: 1, max: 20 }),
        // Which follower of partition 0 the consumer claims to share a rack with.
        follower: fc.nat(),
      }),
      async ({ partitions, records, follower }) => {
        const brokers = await setupStep("describing the brokers' racks", () => brokerPlacements(context.target));
        const topic = context.unique("topic");
        await withTopic(context.target, topic, { partitions, replicationFactor: Math.min(3, brokers.length) }, async () => {
          const values = Array.from({ length: records }, (_, i) => ({ key: null, value: `${topic}/${i}`, partition: i % partitions }));
          const placed = await setupStep(`writing ${records} records to ${topic}`, () => withProducer(context.target, {}, (producer) => sendInOrder(producer, topic, values)));
          const produced = placed.map((where, i) => ({ ...where, value: values[i].value }));
          const metadata = await setupStep(`reading ${topic}'s metadata`, () => withAdmin(context.target, (admin) => admin.fetchTopicMetadata({ topics: [topic] })));
          const replicas = (metadata.topics[0]?.partitions ?? []).map((p) => ({ partition: p.partitionId, leader: p.leader, isr: p.isr })).sort((a, b) => a.partition - b.partition);
          const rackOf = new Map(brokers.map((broker) => [broker.nodeId, broker.rack]));
          const followers = (replicas[0]?.isr ?? []).filter((id) => id !== replicas[0]?.leader && rackOf.get(id) !== rackOf.get(replicas[0]?.leader ?? -1));
          if (followers.length === 0) throw new SpecSetupError(`partition 0 of ${topic} has no in-sync follower outside its leader's rack: replicas ${JSON.stringify(replicas[0])}`, "no-follower", { topic });
          const clientRack = rackOf.get(followers[follower % followers.length]) as string;
          const ranges = await setupStep(`reading ${topic}'s high watermarks`, () => offsetRanges(context.target, topic));
          const highWatermarks = new Map([...ranges].map(([partition, { end }]) => [partition, end]));
          const { told, fetchesTo, read } = await readFromRack(context, topic, clientRack, highWatermarks);
          const addressOf = new Map(brokers.map((broker) => [broker.nodeId, broker.address]));
          context.say(`consumer in ${clientRack}: told ${JSON.stringify([...told])}, fetches ${JSON.stringify([...fetchesTo])}`);
          const violations = followerFetchingViolations({ clientRack, replicas, rackOf, addressOf, told, fetchesTo, produced, read, highWatermarks });
          if (violations.length > 0) throw new Error(`${topic}, consumer in rack ${clientRack}: ${violations.join("; ")}`);
        });
      },
    ),
};
