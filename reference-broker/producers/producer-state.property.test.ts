// Property: whatever the network does to an idempotent producer's batches (connections dropping
// with requests in flight, acknowledgements lost after the write, retries) and even if leadership
// moves to a replica that rebuilt its state from the log and a snapshot, every batch ends up in the
// log exactly once, in sequence order, and every acknowledgement names the offsets the batch was
// written at. Requests on one connection arrive in order (TCP); retries go out, in sequence order,
// before new batches, and at most five batches are unacknowledged, as Kafka's producer guarantees.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProducerStateManager, rebuildProducerState, type AppendedProducerBatch } from "./producer-state.ts";
import { incrementSequence } from "./sequence.ts";
import { decodeProducerSnapshot, encodeProducerSnapshot } from "./snapshot.ts";

const MAX_IN_FLIGHT = 5;
const options = { topicPartition: "p-0" };

type Event =
  /** The producer sends its next batch, unless retries are waiting or five batches are unacknowledged. */
  | { kind: "send"; producer: number }
  /**
   * The leader handles the producer's oldest request. "rejected": a retriable error before the write
   * (e.g. NOT_ENOUGH_REPLICAS), later requests go on. "ack-lost": the connection dies after the
   * leader handled this and `alsoHandled` more of the requests already on the wire; no reply arrives.
   */
  | { kind: "deliver"; producer: number; fate: "acked" | "rejected" | "ack-lost"; alsoHandled: number }
  /** The connection drops: every request in flight is lost. */
  | { kind: "drop"; producer: number }
  /** The producer resends its unacknowledged batches that are not in flight, in sequence order. */
  | { kind: "retry"; producer: number }
  | { kind: "snapshot" }
  /** A replica that kept the log takes over, rebuilding producer state from its latest snapshot. */
  | { kind: "failover" };

interface Batch {
  producer: number;
  index: number;
  baseSequence: number;
  records: number;
}

interface Written extends AppendedProducerBatch {
  tag: string;
}

class ProducerModel {
  nextToSend = 0;
  /** Requests on the wire, oldest first. */
  inFlight: number[] = [];
  readonly acks = new Map<number, { firstOffset: number; lastOffset: number }>();
  constructor(readonly batches: Batch[]) {}

  firstUnacked(): number {
    let i = 0;
    while (this.acks.has(i)) i++;
    return i;
  }

  awaitingRetry(): number[] {
    const waiting: number[] = [];
    for (let i = 0; i < this.nextToSend; i++) if (!this.acks.has(i) && !this.inFlight.includes(i)) waiting.push(i);
    return waiting;
  }

  canSendNew(): boolean {
    return (
      this.awaitingRetry().length === 0 &&
      this.nextToSend < this.batches.length &&
      this.nextToSend < this.firstUnacked() + MAX_IN_FLIGHT
    );
  }
}

class Cluster {
  readonly log: Written[] = [];
  private snapshotBytes: Buffer | undefined;
  leader = new ProducerStateManager(options);

  /** The produce path: check, then write and update, or answer a duplicate with its old offsets. */
  deliver(batch: Batch, producerId: number): { firstOffset: number; lastOffset: number } | undefined {
    const check = this.leader.check({ producerId, producerEpoch: 0, baseSequence: batch.baseSequence, lastOffsetDelta: batch.records - 1 });
    if (check.kind === "reject") return undefined;
    if (check.kind === "duplicate") return { firstOffset: check.firstOffset, lastOffset: check.lastOffset };
    const baseOffset = this.log.length === 0 ? 0 : this.log[this.log.length - 1].lastOffset + 1;
    const written: Written = {
      producerId,
      producerEpoch: 0,
      baseSequence: batch.baseSequence,
      baseOffset,
      lastOffset: baseOffset + batch.records - 1,
      maxTimestamp: 0,
      tag: `${batch.producer}:${batch.index}`,
    };
    this.log.push(written);
    this.leader.update(written);
    return { firstOffset: written.baseOffset, lastOffset: written.lastOffset };
  }

  takeSnapshot(): void {
    this.snapshotBytes = encodeProducerSnapshot(this.leader.snapshot());
  }

  failover(): void {
    const logEndOffset = this.log.length === 0 ? 0 : this.log[this.log.length - 1].lastOffset + 1;
    this.leader = rebuildProducerState({
      options,
      logStartOffset: 0,
      logEndOffset,
      snapshot: this.snapshotBytes && decodeProducerSnapshot(this.snapshotBytes),
      batchesFrom: (from) => this.log.filter((batch) => batch.lastOffset >= from),
      nowMs: 0,
    });
  }
}

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("send" as const), producer: fc.nat(2) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("deliver" as const),
      producer: fc.nat(2),
      fate: fc.constantFrom("acked" as const, "acked" as const, "rejected" as const, "ack-lost" as const),
      alsoHandled: fc.nat(MAX_IN_FLIGHT - 1),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("drop" as const, "retry" as const), producer: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "snapshot" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "failover" as const }) },
);

const scenario = fc.record({
  producers: fc.array(
    fc.record({
      // Some producers start just below Int32.MAX, so their sequences wrap.
      firstSequence: fc.oneof(fc.constant(0), fc.integer({ min: 2147483600, max: 2147483647 })),
      sizes: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 15 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  events: fc.array(eventArb, { maxLength: 150, size: "max" }),
});

describe("idempotent producer property", () => {
  it("writes every batch exactly once, in order, whatever retries and failovers happen", () => {
    fc.assert(
      fc.property(scenario, ({ producers, events }) => {
        const models = producers.map(({ firstSequence, sizes }, producer) => {
          let sequence = firstSequence;
          return new ProducerModel(
            sizes.map((records, index) => {
              const batch = { producer, index, baseSequence: sequence, records };
              sequence = incrementSequence(sequence, records);
              return batch;
            }),
          );
        });
        const cluster = new Cluster();
        const producerIdOf = (producer: number) => 1000 + producer;

        const deliver = (model: ProducerModel, index: number, acked: boolean) => {
          const batch = model.batches[index];
          const ack = cluster.deliver(batch, producerIdOf(batch.producer));
          if (ack && acked) {
            const earlier = model.acks.get(index);
            if (earlier) expect(ack, `batch ${batch.producer}:${index} acknowledged twice at different offsets`).toEqual(earlier);
            model.acks.set(index, ack);
          }
        };

        for (const event of events) {
          if (event.kind === "snapshot") {
            cluster.takeSnapshot();
            continue;
          }
          if (event.kind === "failover") {
            cluster.failover();
            continue;
          }
          const model = models[event.producer % models.length];
          if (event.kind === "send") {
            if (model.canSendNew()) model.inFlight.push(model.nextToSend++);
          } else if (event.kind === "deliver") {
            const index = model.inFlight.shift();
            if (index === undefined) continue;
            // Kafka accepts any first sequence from a producer it does not know, so a rejected first
            // batch overtaken by the next one is a gap Kafka itself lets through (the client then
            // bumps its epoch). Rejections are therefore only modelled once the leader knows the producer.
            const known = cluster.leader.lastEntry(producerIdOf(model.batches[index].producer)) !== undefined;
            if (event.fate === "rejected" && known) continue;
            deliver(model, index, event.fate !== "ack-lost");
            if (event.fate === "ack-lost") {
              for (const handled of model.inFlight.slice(0, event.alsoHandled)) deliver(model, handled, false);
              model.inFlight = [];
            }
          } else if (event.kind === "drop") {
            model.inFlight = [];
          } else {
            model.inFlight.push(...model.awaitingRetry());
          }
        }
        // The network heals: each producer resends what is unacknowledged, in order, then the rest.
        for (const model of models) {
          model.inFlight = [];
          for (let index = model.firstUnacked(); index < model.batches.length; index = model.firstUnacked()) {
            model.nextToSend = Math.max(model.nextToSend, index + 1);
            deliver(model, index, true);
            expect(model.acks.has(index), `batch ${index} is accepted once the network heals`).toBe(true);
          }
        }

        for (const [producer, model] of models.entries()) {
          const written = cluster.log.filter((batch) => batch.producerId === producerIdOf(producer));
          expect(written.map((batch) => batch.tag)).toEqual(model.batches.map((_, index) => `${producer}:${index}`));
          for (const [index, batch] of written.entries()) {
            expect(model.acks.get(index)).toEqual({ firstOffset: batch.baseOffset, lastOffset: batch.lastOffset });
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
