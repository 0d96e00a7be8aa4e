// topic-administration: topics are administered as kafka-topics does it — created with a partition
// count, replication factor and config overrides, listed, described, deleted — a second create of
// a topic is refused as existing, and a replication factor above the broker count is refused with
// INVALID_REPLICATION_FACTOR. Source: /work/shared/seed/kafka-notes.md, the kafka-topics commands
// (--create --partitions --replication-factor, --describe, --list, --delete);
// https://kafka.apache.org/documentation/#basic_ops_add_topic
import fc from "fast-check";
import kafkajs, { type Admin, type ITopicMetadata } from "kafkajs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Spec } from "./spec.ts";
import { topicServedByEveryBroker } from "./kit/brokers.ts";
import { deleteTopicQuietly, withAdmin } from "./kit/clients.ts";
import { errorTypes, throwIfViolated } from "./kit/records.ts";

// Node cannot see ConfigResourceTypes among kafkajs's CommonJS exports by name, only on the module object.
const { ConfigResourceTypes } = kafkajs;

export interface RequestedTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  retentionMs: number;
}

/** A described topic: its partitions and the retention.ms DescribeConfigs reports for it. */
export interface DescribedTopic {
  metadata: ITopicMetadata | undefined;
  retentionMs: string | undefined;
}

/**
 * The description matches the request: the partition count; per partition as many distinct
 * replicas as the replication factor, all of them live brokers, a leader among them and in the
 * ISR, the ISR within the replicas; and the retention.ms override.
 */
export function describeViolations(requested: RequestedTopic, described: DescribedTopic, brokers: readonly number[]): string[] {
  const { name } = requested;
  if (described.metadata === undefined) return [`describing ${name} found no such topic`];
  const violations: string[] = [];
  const { partitions } = described.metadata;
  const ids = partitions.map((p) => p.partitionId).sort((a, b) => a - b);
  if (ids.join() !== [...Array(requested.partitions).keys()].join()) violations.push(`${name} was created with ${requested.partitions} partitions but is described with partitions [${ids}]`);
  for (const p of partitions) {
    const where = `${name}-${p.partitionId}`;
    if (new Set(p.replicas).size !== requested.replicationFactor || p.replicas.length !== requested.replicationFactor) violations.push(`${where} has replicas [${p.replicas}], created with replication factor ${requested.replicationFactor}`);
    const strangers = p.replicas.filter((r) => !brokers.includes(r));
    if (strangers.length > 0) violations.push(`${where} has replicas [${p.replicas}] on broker(s) ${strangers} the cluster does not list (brokers [${brokers}])`);
    if (!p.replicas.includes(p.leader) || !p.isr.includes(p.leader)) violations.push(`${where} has leader ${p.leader}, which is not among its replicas [${p.replicas}] and ISR [${p.isr}]`);
    if (p.isr.some((r) => !p.replicas.includes(r))) violations.push(`${where} has ISR [${p.isr}] outside its replicas [${p.replicas}]`);
  }
  if (described.retentionMs !== String(requested.retentionMs)) violations.push(`${name} was created with retention.ms=${requested.retentionMs} but is described with retention.ms=${described.retentionMs}`);
  return violations;
}

/** Metadata reaches every broker asynchronously; list and delete are checked until they settle. */
const SETTLE_MS = 15_000;

async function listSettles(admin: Admin, want: (listed: Set<string>) => string[]): Promise<string[]> {
  const deadline = performance.now() + SETTLE_MS;
  for (;;) {
    const problems = want(new Set(await admin.listTopics()));
    if (problems.length === 0 || performance.now() > deadline) return problems;
    await sleep(200);
  }
}

async function describe(admin: Admin, topic: RequestedTopic): Promise<DescribedTopic> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic.name] });
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic.name, configNames: ["retention.ms"] }] });
  return { metadata: topics.find((t) => t.name === topic.name), retentionMs: resources[0]?.configEntries.find((e) => e.configName === "retention.ms")?.configValue };
}

const workload = fc.record({
  topics: fc.array(fc.record({ partitions: fc.integer({ min: 1, max: 6 }), replicas: fc.nat(), retentionHours: fc.integer({ min: 1, max: 24 * 30 }) }), { minLength: 1, maxLength: 3 }),
  beyondBrokers: fc.integer({ min: 1, max: 2 }),
});

export const topicAdministration: Spec = {
  name: "topic-administration",
  guarantee: "Topics are created with the requested partitions, replication factor and configs, then listed, described and deleted as kafka-topics does it; creating an existing topic is refused, and a replication factor above the broker count is refused with INVALID_REPLICATION_FACTOR.",
  source: "kafka-notes.md, the kafka-topics commands (--create --partitions --replication-factor, --describe, --list, --delete). https://kafka.apache.org/documentation/#basic_ops_add_topic",
  numRuns: 3,
  timeLimitMs: 15_000,
  property: (context) =>
    fc.asyncProperty(workload, async ({ topics: shapes, beyondBrokers }) => {
      const { target } = context;
      const requested: RequestedTopic[] = [];
      const tooMany = context.unique("too-many-replicas");
      // What may exist when the run ends early, so clean-up never waits on a topic that is gone.
      const leftovers = new Set<string>();
      try {
        await withAdmin(target, async (admin) => {
          const brokers = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
          for (const shape of shapes) requested.push({ name: context.unique("t"), partitions: shape.partitions, replicationFactor: 1 + (shape.replicas % brokers.length), retentionMs: shape.retentionHours * 3_600_000 });
          const violations: string[] = [];
          for (const t of requested) leftovers.add(t.name);
          const created = await admin.createTopics({
            // kafkajs' own wait for leaders asks one broker, which may not have applied the topics yet.
            waitForLeaders: false,
            timeout: 10_000,
            topics: requested.map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: t.replicationFactor, configEntries: [{ name: "retention.ms", value: String(t.retentionMs) }] })),
          });
          if (!created) violations.push(`creating ${requested.map((t) => t.name).join(", ")} was answered "already exists"`);
          await Promise.all(requested.map((t) => topicServedByEveryBroker(target, t.name, t.partitions, SETTLE_MS)));
          const again = await admin.createTopics({ topics: [{ topic: requested[0].name, numPartitions: 1, replicationFactor: 1 }] });
          if (again) violations.push(`creating ${requested[0].name} a second time succeeded; it should be refused with TOPIC_ALREADY_EXISTS`);
          const replicationFactor = brokers.length + beyondBrokers;
          const refused = `creating ${tooMany} with replication factor ${replicationFactor} on ${brokers.length} brokers`;
          const refusal = await admin.createTopics({ topics: [{ topic: tooMany, numPartitions: 1, replicationFactor }] }).then(
            () => {
              leftovers.add(tooMany);
              return `${refused} succeeded`;
            },
            (error: unknown) => (errorTypes(error).includes("INVALID_REPLICATION_FACTOR") ? undefined : `${refused} failed with ${errorTypes(error).join(", ") || String(error)}, not INVALID_REPLICATION_FACTOR`),
          );
          if (refusal !== undefined) violations.push(refusal);
          violations.push(
            ...(await listSettles(admin, (listed) => [
              ...requested.filter((t) => !listed.has(t.name)).map((t) => `listing topics does not show ${t.name} within ${SETTLE_MS} ms of its creation`),
              ...(listed.has(tooMany) ? [`listing topics shows ${tooMany}, whose creation was refused`] : []),
            ])),
          );
          for (const topic of requested) violations.push(...describeViolations(topic, await describe(admin, topic), brokers));
          await admin.deleteTopics({ topics: requested.map((t) => t.name), timeout: 10_000 });
          for (const t of requested) leftovers.delete(t.name);
          violations.push(...(await listSettles(admin, (listed) => requested.filter((t) => listed.has(t.name)).map((t) => `listing topics still shows ${t.name} ${SETTLE_MS} ms after it was deleted`))));
          throwIfViolated("topic-administration", violations, { topics: requested.map((t) => t.name) });
        });
      } finally {
        await Promise.all([...leftovers].map((name) => deleteTopicQuietly(target, name)));
      }
    }),
};
