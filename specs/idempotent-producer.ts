// idempotent-producer: an idempotent producer's records are written exactly once and in send order
// per partition, however often they are retried — across request timeouts (a paused leader answers
// late, after the retry), reconnects and a leader failover. Source: /work/shared/seed/kafka-notes.md,
// "Producer delivery semantics (acks)", "Idempotent producer" ("Kafka Broker can identify the
// message duplication on a topic using the sequence number and producer id");
// https://kafka.apache.org/documentation/#semantics and #producerconfigs_enable.idempotence
import fc from "fast-check";
import { setTimeout as sleep } from "node:timers/promises";
import type { Spec, SpecContext } from "./spec.ts";
import { kafkaFor, readTopic, type ReadRecord } from "./kit/clients.ts";
import { destructiveProperty } from "./kit/destructive.ts";
import { brokerNodes, needsFailover, waitForLeaderOtherThan, withFaults, withLedTopic } from "./kit/faults.ts";
import { throwIfViolated } from "./kit/records.ts";

/** One send call of a batch of records to one partition. */
export interface IdempotentSend {
  partition: number;
  values: readonly string[];
  /** Acknowledged (with the batch's base offset), or failed after the producer's retries: maybe written, at most once. */
  acked: boolean;
}

/** The position of a value in its partition's send order, from the value itself ("p<partition>-<seq>"). */
const seqOf = (value: string): number => Number(value.slice(value.indexOf("-") + 1));

/**
 * Per partition, the read-back holds each value at most once and in send order, and every value
 * of an acknowledged send is there.
 */
export function idempotenceViolations(sends: readonly IdempotentSend[], read: ReadonlyMap<number, readonly ReadRecord[]>): string[] {
  const violations: string[] = [];
  const sent = new Set(sends.flatMap((send) => send.values));
  for (const [partition, records] of read) {
    const firstAt = new Map<string, number>();
    let last: ReadRecord | undefined;
    for (const record of records) {
      const value = record.value ?? "";
      if (!sent.has(value)) {
        violations.push(`partition ${partition} offset ${record.offset} holds ${JSON.stringify(record.value)}, which was never sent`);
        continue;
      }
      const earlier = firstAt.get(value);
      if (earlier !== undefined) violations.push(`partition ${partition} holds ${JSON.stringify(value)} twice, at offsets ${earlier} and ${record.offset}: the retry was not deduplicated`);
      else if (last?.value && seqOf(value) < seqOf(last.value)) violations.push(`partition ${partition} holds ${JSON.stringify(value)} at offset ${record.offset}, after ${JSON.stringify(last.value)} (offset ${last.offset}) which was sent later`);
      firstAt.set(value, firstAt.get(value) ?? record.offset);
      last = record;
    }
  }
  for (const send of sends) {
    if (!send.acked) continue;
    const found = new Set((read.get(send.partition) ?? []).map((record) => record.value));
    const missing = send.values.filter((value) => !found.has(value));
    if (missing.length > 0) violations.push(`partition ${send.partition}: the acknowledged send of ${send.values.length} record(s) lost ${missing.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  return violations;
}

const workload = fc.record({
  partitions: fc.integer({ min: 1, max: 3 }),
  leader: fc.nat(),
  maxInFlightRequests: fc.integer({ min: 1, max: 5 }),
  /** Batch sizes of each partition's sends; the partitions send side by side. */
  batches: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 4, maxLength: 12 }),
  /** The fault hits after this many batches of each partition. */
  faultAfter: fc.integer({ min: 1, max: 3 }),
  fault: fc.oneof(fc.constant({ kind: "kill" as const }), fc.record({ kind: fc.constant("pause" as const), ms: fc.integer({ min: 1_200, max: 2_500 }) })),
});

type Workload = typeof workload extends fc.Arbitrary<infer T> ? T : never;

/** Shorter than the pauses, so a paused leader makes requests time out and the producer retry them. */
const REQUEST_TIMEOUT_MS = 1_000;

async function run(context: SpecContext, w: Workload): Promise<void> {
  const { target } = context;
  const brokers = brokerNodes(target).map((node) => node.nodeId);
  const leader = brokers[w.leader % brokers.length];
  const topic = context.unique("t");
  const sends: IdempotentSend[] = [];
  const config = { "min.insync.replicas": String(Math.min(2, brokers.length)) };
  await withLedTopic(target, topic, { partitions: w.partitions, leader, replicationFactor: Math.min(3, brokers.length), config }, async () => {
    await withFaults(target, async (faults) => {
      const producer = kafkaFor(target, "kconform-spec-idempotent", { requestTimeoutMs: REQUEST_TIMEOUT_MS }).producer({
        idempotent: true,
        maxInFlightRequests: w.maxInFlightRequests,
        allowAutoTopicCreation: false,
        // Enough to outlast a failover; a send that still fails is only "maybe written".
        retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 30 },
      });
      await producer.connect();
      try {
        let fault: Promise<void> | undefined;
        const startFault = async () => {
          if (w.fault.kind === "kill") {
            await faults.kill(leader);
            await waitForLeaderOtherThan(target, topic, new Set([leader]));
          } else {
            await faults.pause(leader);
            await sleep(w.fault.ms);
            await faults.heal();
          }
        };
        await Promise.all(
          Array.from({ length: w.partitions }, async (_, partition) => {
            let seq = 0;
            for (const [i, size] of w.batches.entries()) {
              if (i === w.faultAfter) fault ??= startFault();
              const values = Array.from({ length: size }, () => `p${partition}-${seq++}`);
              const send: IdempotentSend = { partition, values, acked: false };
              sends.push(send);
              send.acked = await producer
                .send({ topic, acks: -1, messages: values.map((value) => ({ key: null, value, partition })) })
                .then(() => true)
                .catch(() => false);
            }
          }),
        );
        await fault;
      } finally {
        await producer.disconnect();
      }
      context.say(`idempotent-producer: ${sends.length} sends to ${topic} through a ${w.fault.kind} of leader ${leader}; healing`);
    });
    const read = await readTopic(target, topic, { groupId: context.unique("reader") });
    throwIfViolated("idempotent-producer", idempotenceViolations(sends, read), { topic, leader, fault: w.fault.kind });
  });
}

const TIME_LIMIT_MS = 60_000;

export const idempotentProducer: Spec = {
  name: "idempotent-producer",
  guarantee: "An idempotent producer's records are written exactly once and in send order per partition, through retries, reconnects and a leader failover.",
  source:
    'kafka-notes.md, "Idempotent producer": "to avoid duplication, Kafka introduced the feature of the idempotent producer ... Kafka Broker can identify the message duplication on a topic using the sequence number and producer id"; https://kafka.apache.org/documentation/#semantics and #producerconfigs_enable.idempotence',
  numRuns: 2,
  exclusive: true,
  timeLimitMs: TIME_LIMIT_MS,
  unavailable: (target) => needsFailover(target, 2, "idempotent-producer"),
  property: (context) => destructiveProperty(TIME_LIMIT_MS, workload, (w) => run(context, w)),
};
