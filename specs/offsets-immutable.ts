// offsets-immutable: offsets strictly increase per partition, and once written the record at an
// offset never changes — every reader (any group, any time, after any later appends) sees the same
// key, value and timestamp there. Source: /work/shared/seed/kafka-notes.md, "Partitioning" ("Each
// message in a partition has an id (offset) which is always incremental. Once data is written to a
// partition, it can not be changed (immutability)"); https://kafka.apache.org/documentation/#log
import fc from "fast-check";
import type { Spec } from "./spec.ts";
import { readTopic, withTopic, sendInOrder, withProducer, type ReadRecord, type SpecRecord } from "./kit/clients.ts";
import { ackedNotReadBack, describeRecord, indexByOffset, offsetsNotIncreasing, replicationFactorFor, text, throwIfViolated, type AckedRecord } from "./kit/records.ts";

/** A whole-topic read, and how many of the acknowledged records had been acknowledged when it began. */
export interface NamedRead {
  reader: string;
  ackedBefore: number;
  records: ReadonlyMap<number, readonly ReadRecord[]>;
}

/** One producer's acknowledged offsets must strictly increase per partition, in send order. */
export function offsetsNotIncreasingInSendOrder(acked: readonly AckedRecord[]): string[] {
  const violations: string[] = [];
  const last = new Map<number, AckedRecord>();
  for (const record of acked) {
    const before = last.get(record.partition);
    if (before !== undefined && record.offset <= before.offset) {
      violations.push(`${describeRecord(record)} was acknowledged at offset ${record.offset} of partition ${record.partition}, not after ${describeRecord(before)} sent before it at offset ${before.offset}`);
    }
    last.set(record.partition, record);
  }
  return violations;
}

/** Wherever two reads both hold an offset, they must hold the same key, value and timestamp. */
function readsDisagree(a: NamedRead, b: NamedRead): string[] {
  const violations: string[] = [];
  const index = indexByOffset(b.records);
  for (const [partition, records] of a.records) {
    for (const mine of records) {
      const theirs = index.get(partition)?.get(mine.offset);
      if (theirs !== undefined && (theirs.key !== mine.key || theirs.value !== mine.value || theirs.timestamp !== mine.timestamp)) {
        violations.push(`offset ${mine.offset} of partition ${partition} holds ${describeRecord(mine)} at timestamp ${mine.timestamp} for ${a.reader}, but ${describeRecord(theirs)} at timestamp ${theirs.timestamp} for ${b.reader}`);
      }
    }
  }
  return violations;
}

/**
 * Offsets increase in send order; every read returns, in increasing offset order, each record
 * acknowledged before it began at the acknowledged offset; and no two reads disagree on an offset.
 */
export function immutabilityViolations(acked: readonly AckedRecord[], reads: readonly NamedRead[]): string[] {
  const violations = offsetsNotIncreasingInSendOrder(acked);
  for (const read of reads) violations.push(...ackedNotReadBack(acked.slice(0, read.ackedBefore), read.records, read.reader), ...offsetsNotIncreasing(read.records, read.reader));
  for (const [i, a] of reads.entries()) for (const b of reads.slice(i + 1)) violations.push(...readsDisagree(a, b));
  return violations;
}

/** Records for partitions chosen by the workload, with CreateTime timestamps up to a day old. */
const records = (partitions: number) =>
  fc.array(fc.record({ partition: fc.nat({ max: partitions - 1 }), key: fc.option(text({ maxLength: 6 }), { nil: null }), payload: text({ maxLength: 12 }), ageMs: fc.nat({ max: 86_400_000 }) }), { minLength: 1, maxLength: 12 });

const workload = fc.integer({ min: 1, max: 3 }).chain((partitions) => fc.record({ partitions: fc.constant(partitions), first: records(partitions), later: records(partitions) }));

export const offsetsImmutable: Spec = {
  name: "offsets-immutable",
  guarantee: "Offsets strictly increase within a partition, and the record at an offset never changes: every reader, in any group, at any later time and after more appends, reads the same key, value and timestamp there.",
  source: 'kafka-notes.md, "Partitioning": "Each message in a partition has an id (offset) which is always incremental. Once data is writtem to a partition, it. can not be changed (immutability)." https://kafka.apache.org/documentation/#log',
  numRuns: 2,
  timeLimitMs: 15_000,
  property: (context) =>
    fc.asyncProperty(workload, async ({ partitions, first, later }) => {
      const { target } = context;
      const topic = context.unique("t");
      const now = Date.now();
      const toRecord = (batch: typeof first, tag: string): SpecRecord[] => batch.map((r, i) => ({ key: r.key, value: `${tag}${i}:${r.payload}`, partition: r.partition, timestamp: now - r.ageMs }));
      await withTopic(target, topic, { partitions, replicationFactor: await replicationFactorFor(target) }, async () => {
        await withProducer(target, { allowAutoTopicCreation: false }, async (producer) => {
          const send = async (batch: SpecRecord[]): Promise<AckedRecord[]> => {
            const placed = await sendInOrder(producer, topic, batch);
            return batch.map((record, i) => ({ key: record.key, value: record.value, timestamp: record.timestamp, ...placed[i] }));
          };
          const acked = await send(toRecord(first, "a"));
          // Two independent consumers (different groups) read the same log side by side...
          const [one, two] = await Promise.all([readTopic(target, topic, { groupId: context.unique("one") }), readTopic(target, topic, { groupId: context.unique("two") })]);
          acked.push(...(await send(toRecord(later, "b"))));
          // ...and a third re-reads it all after more records were appended.
          const again = await readTopic(target, topic, { groupId: context.unique("again") });
          const reads: NamedRead[] = [
            { reader: "the first reader", ackedBefore: first.length, records: one },
            { reader: "the second reader", ackedBefore: first.length, records: two },
            { reader: "the re-read after more appends", ackedBefore: acked.length, records: again },
          ];
          throwIfViolated("offsets-immutable", immutabilityViolations(acked, reads), { topic });
        });
      });
    }),
};
