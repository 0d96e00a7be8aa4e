// min-insync-replicas-refusal: once a partition's ISR is smaller than min.insync.replicas, its
// leader refuses acks=all writes with NOT_ENOUGH_REPLICAS (writing nothing) while acks=1 writes
// still succeed; with the replicas back, acks=all writes succeed again. Source:
// /work/shared/seed/kafka-notes.md, "Producer delivery semantics (acks)" ("min.insync.replicas ...
// so that kafka can tolerate failure of 1 broker"); https://kafka.apache.org/documentation/#brokerconfigs_min.insync.replicas
import fc from "fast-check";
import type { Producer } from "kafkajs";
import { needsOwnedBrokers, type Spec, type SpecContext } from "./spec.ts";
import { kafkaFor, readTopic, type ReadRecord } from "./kit/clients.ts";
import { destructiveProperty } from "./kit/destructive.ts";
import { brokerNode, brokerNodes, brokersThatMayFail, until, withFaults, withLedTopic } from "./kit/faults.ts";
import { throwIfViolated } from "./kit/records.ts";
import { metadataView, withConnection } from "./kit/wire.ts";

/** A topic shape whose ISR drops below min.insync.replicas when `stopped` followers go. */
export interface RefusalShape {
  replicationFactor: number;
  minInsyncReplicas: number;
  stopped: number;
}

/**
 * The shapes this cluster can show a refusal in: stopping RF - minISR + 1 followers leaves the
 * ISR one short, and the stopped brokers must leave the controller quorum a majority (three
 * combined broker+controller nodes allow one; dedicated controllers allow RF=3, minISR=2 with two).
 */
export function refusalShapes(brokers: number, mayFail: number): RefusalShape[] {
  const shapes: RefusalShape[] = [];
  for (let replicationFactor = 2; replicationFactor <= Math.min(3, brokers); replicationFactor++) {
    for (let minInsyncReplicas = 2; minInsyncReplicas <= replicationFactor; minInsyncReplicas++) {
      const stopped = replicationFactor - minInsyncReplicas + 1;
      if (stopped <= mayFail) shapes.push({ replicationFactor, minInsyncReplicas, stopped });
    }
  }
  return shapes;
}

/** The protocol error name kafkajs carries somewhere in an error's chain of causes, if any. */
export function protocolErrorType(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const { type, cause, originalError } = current as { type?: unknown; cause?: unknown; originalError?: unknown };
    if (typeof type === "string") return type;
    current = cause ?? originalError;
  }
  return undefined;
}

export type Attempt = { value: string; acks: 1 | -1; phase: "healthy" | "below-min-isr" | "restored" } & ({ offset: number } | { refused: string });

/**
 * Below min.insync.replicas every acks=all attempt is refused with NOT_ENOUGH_REPLICAS and every
 * acks=1 attempt accepted; in a healthy ISR every attempt is accepted. Accepted records are read
 * back at their offsets; a record refused before it was appended is nowhere in the read-back.
 */
export function refusalViolations(attempts: readonly Attempt[], read: readonly ReadRecord[]): string[] {
  const violations: string[] = [];
  const atOffset = new Map(read.map((record) => [record.offset, record]));
  const values = new Set(read.map((record) => record.value));
  for (const attempt of attempts) {
    const what = `${attempt.acks === -1 ? "acks=all" : "acks=1"} send of ${JSON.stringify(attempt.value)} with the ISR ${attempt.phase === "below-min-isr" ? "below min.insync.replicas" : `full (${attempt.phase})`}`;
    const mustRefuse = attempt.phase === "below-min-isr" && attempt.acks === -1;
    if ("offset" in attempt) {
      if (mustRefuse) violations.push(`${what} was accepted at offset ${attempt.offset}; it must be refused with NOT_ENOUGH_REPLICAS`);
      const found = atOffset.get(attempt.offset);
      if (found?.value !== attempt.value) violations.push(`${what} was accepted at offset ${attempt.offset}, but the read-back holds ${found === undefined ? "nothing" : JSON.stringify(found.value)} there`);
    } else {
      if (!mustRefuse) violations.push(`${what} was refused (${attempt.refused}); it must be accepted`);
      else if (attempt.refused !== "NOT_ENOUGH_REPLICAS") violations.push(`${what} was refused with ${attempt.refused}, not NOT_ENOUGH_REPLICAS`);
      if (attempt.refused === "NOT_ENOUGH_REPLICAS" && values.has(attempt.value)) violations.push(`${what} was refused with NOT_ENOUGH_REPLICAS (nothing appended), yet the read-back contains it`);
    }
  }
  return violations;
}

/** Refusals that only say the leader has not applied the ISR change yet; the attempt is repeated. */
const TRANSIENT = new Set(["NOT_ENOUGH_REPLICAS_AFTER_APPEND", "REQUEST_TIMED_OUT"]);

const workload = fc.record({
  shape: fc.nat(),
  leader: fc.nat(),
  /** Which of the leader's followers are stopped first. */
  followerOrder: fc.boolean(),
  /** A graceful stop (controlled shutdown) or a SIGKILL (fenced when its session expires). */
  fault: fc.constantFrom("stop" as const, "kill" as const),
  acksOneWrites: fc.integer({ min: 1, max: 4 }),
});

type Workload = typeof workload extends fc.Arbitrary<infer T> ? T : never;

async function attempt(producer: Producer, topic: string, acks: 1 | -1, value: string): Promise<{ offset: number } | { refused: string }> {
  try {
    const [meta] = await producer.send({ topic, acks, timeout: 2_000, messages: [{ key: null, value, partition: 0 }] });
    return { offset: Number(meta.baseOffset ?? meta.offset) };
  } catch (error) {
    return { refused: protocolErrorType(error) ?? (error instanceof Error ? error.message : String(error)) };
  }
}

async function run(context: SpecContext, w: Workload): Promise<void> {
  const { target } = context;
  const brokers = brokerNodes(target).map((node) => node.nodeId);
  const shapes = refusalShapes(brokers.length, brokersThatMayFail(target));
  const shape = shapes[w.shape % shapes.length];
  const leader = brokers[w.leader % brokers.length];
  const topic = context.unique("t");
  const attempts: Attempt[] = [];
  const config = { "min.insync.replicas": String(shape.minInsyncReplicas) };
  await withLedTopic(target, topic, { partitions: 1, leader, replicationFactor: shape.replicationFactor, config }, async ([partition]) => {
    // No retries: each attempt's own answer is the evidence.
    const producer = kafkaFor(target, "kconform-spec-min-isr", { retries: 0 }).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    try {
      const record = async (acks: 1 | -1, phase: Attempt["phase"]) => {
        const value = `${phase}/${acks}/${attempts.length}`;
        const outcome = await attempt(producer, topic, acks, value);
        attempts.push({ value, acks, phase, ...outcome });
        return outcome;
      };
      await record(-1, "healthy");
      const followers = partition.replicas.filter((id) => id !== leader);
      const stopped = (w.followerOrder ? followers : [...followers].reverse()).slice(0, shape.stopped);
      await withFaults(target, async (faults) => {
        for (const id of stopped) await faults[w.fault](id);
        const leaderAddress = brokerNode(target, leader).clientAddress ?? "";
        await until(`leader ${leader} to drop brokers ${stopped.join(", ")} from the ISR of ${topic}-0`, 30_000, () =>
          withConnection(target, leaderAddress, async (connection) => {
            const isr = (await metadataView(connection, topic)).partitions[0]?.isr ?? [];
            return stopped.every((id) => !isr.includes(id)) ? true : undefined;
          }),
        );
        context.say(`min-insync-replicas-refusal: ISR of ${topic}-0 is ${shape.replicationFactor - shape.stopped} < min.insync.replicas ${shape.minInsyncReplicas}`);
        // The leader may apply the ISR change an instant after its metadata shows it.
        await until(`an acks=all send to ${topic}-0 to be refused or accepted for good`, 10_000, async () => {
          const value = `below-min-isr/-1/${attempts.length}`;
          const outcome = await attempt(producer, topic, -1, value);
          if ("refused" in outcome && TRANSIENT.has(outcome.refused)) return undefined;
          attempts.push({ value, acks: -1, phase: "below-min-isr", ...outcome });
          return true;
        });
        for (let i = 0; i < w.acksOneWrites; i++) await record(1, "below-min-isr");
        await record(-1, "below-min-isr");
      });
      await record(-1, "restored");
      await record(1, "restored");
    } finally {
      await producer.disconnect();
    }
    // The last acks=1 record is acknowledged before the followers have it: read past it.
    const lastAccepted = Math.max(-1, ...attempts.map((a) => ("offset" in a ? a.offset : -1)));
    const read = await readTopic(target, topic, { groupId: context.unique("reader"), through: new Map([[0, lastAccepted]]) });
    throwIfViolated("min-insync-replicas-refusal", refusalViolations(attempts, read.get(0) ?? []), { topic, shape, leader });
  });
}

const TIME_LIMIT_MS = 60_000;

export const minInsyncReplicasRefusal: Spec = {
  name: "min-insync-replicas-refusal",
  guarantee:
    "With fewer in-sync replicas than min.insync.replicas a partition refuses acks=all writes with NOT_ENOUGH_REPLICAS and still accepts acks=1 writes; once the replicas are back in sync, acks=all writes are accepted again.",
  source:
    'kafka-notes.md, "Producer delivery semantics (acks)": "there is important property min.insync.replicas if, replication factor = 3, then set property to 2, so that kafka can tolerate failure of 1 broker"; https://kafka.apache.org/documentation/#brokerconfigs_min.insync.replicas ("If this minimum cannot be met, then the producer will raise an exception (either NotEnoughReplicas or NotEnoughReplicasAfterAppend)")',
  numRuns: 2,
  exclusive: true,
  timeLimitMs: TIME_LIMIT_MS,
  unavailable: (target) =>
    needsOwnedBrokers(target, 2, "min-insync-replicas-refusal") ??
    (refusalShapes(brokerNodes(target).length, brokersThatMayFail(target)).length === 0 ? "min-insync-replicas-refusal needs a follower it can stop while the controller quorum keeps a majority" : undefined),
  property: (context) => destructiveProperty(TIME_LIMIT_MS, workload, (w) => run(context, w)),
};
