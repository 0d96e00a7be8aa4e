// ordering-within-partition: a partition's records are read back in the order they were written —
// each producer's in its send order, and a record acknowledged before another was sent comes first;
// no order is promised across partitions. Source: /work/shared/seed/kafka-notes.md, "Partitioning"
// ("Messages are ordered only within a partition, not across partitions");
// https://kafka.apache.org/documentation/#intro_concepts_and_terms
import fc from "fast-check";
import type { Producer } from "kafkajs";
import type { Spec } from "./spec.ts";
import { kafkaFor, withTopic, readTopic, sendInOrder, type ReadRecord } from "./kit/clients.ts";
import { ackedNotReadBack, describeRecord, offsetsNotIncreasing, replicationFactorFor, text, throwIfViolated, type AckedRecord } from "./kit/records.ts";

/** One acknowledged send, with when (in this process's event order) it began and was acknowledged. */
export interface OrderedSend extends AckedRecord {
  producer: number;
  /** Position in its producer's own sends. */
  seq: number;
  sentAt: number;
  ackedAt: number;
}

/**
 * Per partition: offsets increase in each producer's send order, a record acknowledged before
 * another was sent has the lower offset, and the read-back returns the records at those offsets
 * in offset order. Nothing is compared across partitions.
 */
export function orderingViolations(sends: readonly OrderedSend[], read: ReadonlyMap<number, readonly ReadRecord[]>): string[] {
  const violations = [...ackedNotReadBack(sends, read), ...offsetsNotIncreasing(read)];
  for (const a of sends) {
    for (const b of sends) {
      if (a.partition !== b.partition || a.offset < b.offset) continue;
      if (a.producer === b.producer && a.seq < b.seq) {
        violations.push(`producer ${a.producer} sent ${describeRecord(a)} before ${describeRecord(b)} to partition ${a.partition}, but they were written at offsets ${a.offset} and ${b.offset}`);
      } else if (a.producer !== b.producer && a.ackedAt < b.sentAt) {
        violations.push(`${describeRecord(a)} (producer ${a.producer}) was acknowledged at offset ${a.offset} of partition ${a.partition} before ${describeRecord(b)} (producer ${b.producer}) was sent, yet that one was written at offset ${b.offset}, not after it`);
      }
    }
  }
  return violations;
}

const workload = fc.record({
  partitions: fc.integer({ min: 2, max: 4 }),
  producers: fc.integer({ min: 1, max: 3 }),
  sends: fc.array(fc.record({ producer: fc.nat(), partition: fc.nat(), key: fc.option(text({ maxLength: 6 }), { nil: null }), payload: text({ maxLength: 12 }) }), { minLength: 4, maxLength: 30 }),
});

export const orderingWithinPartition: Spec = {
  name: "ordering-within-partition",
  guarantee: "Records sent to a partition are read back in the order they were written there (per producer in send order; acknowledged-before-sent in that order); no order is promised across partitions.",
  source: 'kafka-notes.md, "Partitioning": "Messages are ordered only within a partition, not across partitions." https://kafka.apache.org/documentation/#intro_concepts_and_terms',
  numRuns: 3,
  timeLimitMs: 12_000,
  property: (context) =>
    fc.asyncProperty(workload, async ({ partitions, producers: producerCount, sends }) => {
      const { target } = context;
      const topic = context.unique("t");
      const replicationFactor = await replicationFactorFor(target);
      await withTopic(target, topic, { partitions, replicationFactor }, async () => {
        const producers: Producer[] = [];
        try {
          for (let p = 0; p < producerCount; p++) {
            const producer = kafkaFor(target, `kconform-spec-producer-${p}`).producer({ allowAutoTopicCreation: false });
            producers.push(producer);
            await producer.connect();
          }
          // Each producer sends its records one at a time; the producers run side by side, so the
          // network decides how their records interleave in a partition. `clock` orders, as this
          // process saw them, sends beginning and acknowledgements arriving.
          let clock = 0;
          const sent: OrderedSend[] = [];
          const chains = producers.map(() => Promise.resolve());
          const seqs = producers.map(() => 0);
          for (const [i, send] of sends.entries()) {
            const producer = send.producer % producerCount;
            const seq = seqs[producer]++;
            const record = { key: send.key, value: `${i}:${send.payload}`, partition: send.partition % partitions };
            chains[producer] = chains[producer].then(async () => {
              const sentAt = clock++;
              const [placed] = await sendInOrder(producers[producer], topic, [record]);
              sent.push({ ...record, ...placed, producer, seq, sentAt, ackedAt: clock++ });
            });
          }
          await Promise.all(chains);
          const read = await readTopic(target, topic, { groupId: context.unique("reader") });
          throwIfViolated("ordering-within-partition", orderingViolations(sent, read), { topic });
        } finally {
          await Promise.all(producers.map((producer) => producer.disconnect()));
        }
      });
    }),
};
