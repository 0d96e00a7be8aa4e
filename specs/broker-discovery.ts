// broker-discovery: every broker, asked on its own, returns the same complete metadata — all
// brokers, all topics, every partition with its replicas and leader — so any one of them serves as
// a bootstrap server. Source: /work/shared/seed/kafka-notes.md, "Kafka Broker Discovery" ("Each
// Kafka broker is also called 'bootstrap server'. Each broker knows about all brokers, topics and
// partitions (metadata)"); https://kafka.apache.org/documentation/#producerconfigs_bootstrap.servers
import fc from "fast-check";
import { setTimeout as sleep } from "node:timers/promises";
import type { Spec, SpecTarget } from "./spec.ts";
import { everyBrokerAddress, withAdminPinnedTo } from "./kit/brokers.ts";
import { createTopic, deleteTopicQuietly } from "./kit/clients.ts";
import { brokerIds, throwIfViolated } from "./kit/records.ts";

/** One broker's answer: brokers as `id@host:port`, and each topic's partitions. */
export interface MetadataView {
  askedAt: string;
  brokers: string[];
  topics: Map<string, { partition: number; leader: number; replicas: number[] }[]>;
}

export interface CreatedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
}

const describeTopic = (view: MetadataView, topic: string) => JSON.stringify(view.topics.get(topic) ?? null);

/**
 * Each view lists every expected broker and every created topic with its partitions, a leader
 * among each partition's replicas; and every view equals the first one.
 */
export function metadataDisagreements(views: readonly MetadataView[], expected: { brokerIds?: readonly number[]; topics: readonly CreatedTopic[] }): string[] {
  const violations: string[] = [];
  for (const view of views) {
    const ids = view.brokers.map((b) => Number(b.split("@")[0]));
    const missing = (expected.brokerIds ?? []).filter((id) => !ids.includes(id));
    if (missing.length > 0) violations.push(`${view.askedAt} lists brokers [${view.brokers.join(", ")}], missing broker(s) ${missing.join(", ")}`);
    for (const topic of expected.topics) {
      const partitions = view.topics.get(topic.name);
      if (partitions === undefined) {
        violations.push(`${view.askedAt} does not list topic ${topic.name}`);
        continue;
      }
      if (partitions.length !== topic.partitions) violations.push(`${view.askedAt} lists ${partitions.length} partitions of ${topic.name}, created with ${topic.partitions}`);
      for (const p of partitions) {
        if (p.replicas.length !== topic.replicationFactor) violations.push(`${view.askedAt} lists replicas [${p.replicas}] for ${topic.name}-${p.partition}, created with replication factor ${topic.replicationFactor}`);
        if (!p.replicas.includes(p.leader)) violations.push(`${view.askedAt} names ${p.leader} leader of ${topic.name}-${p.partition}, not one of its replicas [${p.replicas}]`);
      }
    }
  }
  const [first, ...others] = views;
  for (const other of others) {
    if (other.brokers.join() !== first.brokers.join()) violations.push(`${first.askedAt} lists brokers [${first.brokers.join(", ")}] but ${other.askedAt} lists [${other.brokers.join(", ")}]`);
    for (const topic of new Set([...first.topics.keys(), ...other.topics.keys()])) {
      if (describeTopic(first, topic) !== describeTopic(other, topic)) violations.push(`topic ${topic}: ${first.askedAt} says ${describeTopic(first, topic)} but ${other.askedAt} says ${describeTopic(other, topic)}`);
    }
  }
  return violations;
}

function askBroker(target: SpecTarget, address: string): Promise<MetadataView> {
  return withAdminPinnedTo(target, address, async (admin) => {
    const { brokers } = await admin.describeCluster();
    const { topics } = await admin.fetchTopicMetadata();
    return {
      askedAt: `broker at ${address}`,
      brokers: brokers.map((b) => `${b.nodeId}@${b.host}:${b.port}`).sort(),
      topics: new Map(
        topics
          .map((t) => [t.name, t.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas].sort((a, b) => a - b) })).sort((a, b) => a.partition - b.partition)] as const)
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
    };
  });
}

/** Metadata propagates to brokers asynchronously: they must agree within this long after the topics are served. */
const AGREE_WITHIN_MS = 10_000;

/** Each broker's view: the bootstrap servers and every broker they advertise, each asked separately. */
async function viewsOfEveryBroker(target: SpecTarget): Promise<MetadataView[] | string> {
  try {
    return await Promise.all((await everyBrokerAddress(target)).map((address) => askBroker(target, address)));
  } catch (error) {
    return `a broker did not answer Metadata: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const workload = fc.array(fc.record({ partitions: fc.integer({ min: 1, max: 4 }), replicas: fc.nat() }), { minLength: 1, maxLength: 3 });

export const brokerDiscovery: Spec = {
  name: "broker-discovery",
  guarantee: "Every broker is a bootstrap server: asked on its own, each returns the same complete metadata — all brokers, all topics, every partition with its replicas and leader.",
  source: 'kafka-notes.md, "Kafka Broker Discovery": "Each Kafka broker is also called \\"bootstrap server\\". Each broker knows about all brokers, tpics and partitions (metadata)." https://kafka.apache.org/documentation/#producerconfigs_bootstrap.servers',
  numRuns: 3,
  exclusive: true,
  timeLimitMs: 12_000,
  property: (context) =>
    fc.asyncProperty(workload, async (shapes) => {
      const { target } = context;
      const ids = await brokerIds(target);
      const owned = target.cluster.owned ? target.cluster.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.nodeId) : undefined;
      const topics = shapes.map((shape) => ({ name: context.unique("t"), partitions: shape.partitions, replicationFactor: 1 + (shape.replicas % Math.min(3, ids.length)) }));
      try {
        await Promise.all(topics.map((t) => createTopic(target, t.name, t)));
        const deadline = performance.now() + AGREE_WITHIN_MS;
        for (;;) {
          const views = await viewsOfEveryBroker(target);
          const violations = typeof views === "string" ? [views] : metadataDisagreements(views, { brokerIds: owned ?? ids, topics });
          if (violations.length === 0) return;
          if (performance.now() > deadline) throwIfViolated("broker-discovery", violations, { topics: topics.map((t) => t.name) });
          await sleep(200);
        }
      } finally {
        await Promise.all(topics.map((t) => deleteTopicQuietly(target, t.name)));
      }
    }),
};
