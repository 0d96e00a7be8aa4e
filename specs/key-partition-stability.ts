// key-partition-stability: while a topic's partition count is unchanged, the default partitioner
// sends every record of a key to the same partition — murmur2 of the key bytes, as the clients
// compute it — and records without a key spread over more than one partition.
// Source: /work/shared/seed/kafka-notes.md, "Producer" ("if (key == null) use round robin / else
// messages with same key go to particular partition (hashing)"); https://kafka.apache.org/documentation/#intro_concepts_and_terms
import fc from "fast-check";
import { Partitioners } from "kafkajs";
import { partitionForKey } from "../harness/clients/partitioner.ts";
import type { Spec } from "./spec.ts";
import { readTopic, withTopic, sendInOrder, withProducer, type ReadRecord } from "./kit/clients.ts";
import { ackedNotReadBack, describeRecord, replicationFactorFor, text, throwIfViolated, type AckedRecord } from "./kit/records.ts";

/**
 * Keyed records sit in murmur2(key) mod partitions, as acknowledged and as read back; two or more
 * keyless records on a topic of several partitions use more than one partition.
 */
export function keyPartitionViolations(partitions: number, acked: readonly AckedRecord[], read: ReadonlyMap<number, readonly ReadRecord[]>): string[] {
  const violations = ackedNotReadBack(acked, read);
  for (const record of acked) {
    if (record.key === null) continue;
    const expected = partitionForKey(record.key, partitions);
    if (record.partition !== expected) violations.push(`${describeRecord(record)} belongs in partition ${expected} of ${partitions} (murmur2 of the key), but was written to partition ${record.partition} at offset ${record.offset}`);
  }
  const keyless = acked.filter((r) => r.key === null);
  const used = new Set(keyless.map((r) => r.partition));
  if (partitions > 1 && keyless.length > 1 && used.size < 2) violations.push(`all ${keyless.length} records without a key went to partition ${[...used].join(", ")} of ${partitions}; they should spread over several`);
  return violations;
}

/** Indices into a set of distinct keys, and `null` for keyless records; at least two of those. */
const workload = fc.record({
  partitions: fc.integer({ min: 2, max: 6 }),
  keys: fc.uniqueArray(text({ maxLength: 10 }), { minLength: 1, maxLength: 6 }),
  order: fc.array(fc.option(fc.nat(), { nil: null, freq: 3 }), { minLength: 4, maxLength: 24 }).filter((order) => order.filter((k) => k === null).length >= 2),
});

export const keyPartitionStability: Spec = {
  name: "key-partition-stability",
  guarantee: "While the partition count is unchanged, the default partitioner sends every record of a key to the same partition (murmur2 of the key bytes modulo the partition count, as the clients compute it), and records without a key spread over more than one partition.",
  source: 'kafka-notes.md, "Producer": "if (key == null) use round robin, else messages with same key go to particular partition (hashing)". https://kafka.apache.org/documentation/#intro_concepts_and_terms',
  numRuns: 3,
  timeLimitMs: 12_000,
  property: (context) =>
    fc.asyncProperty(workload, async ({ partitions, keys, order }) => {
      const { target } = context;
      const topic = context.unique("t");
      const records = order.map((k, i) => ({ key: k === null ? null : keys[k % keys.length], value: `${i}` }));
      await withTopic(target, topic, { partitions, replicationFactor: await replicationFactorFor(target) }, async () => {
        const acked = await withProducer(target, { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner }, async (producer) => {
          const placed = await sendInOrder(producer, topic, records);
          return records.map((record, i) => ({ ...record, ...placed[i] }));
        });
        const read = await readTopic(target, topic, { groupId: context.unique("reader") });
        throwIfViolated("key-partition-stability", keyPartitionViolations(partitions, acked, read), { topic, partitions });
      });
    }),
};
