// acks-guarantees: acks=0 is never answered, so never confirmed with an offset (and may lose);
// acks=1 loses a record only when its leader fails before followers replicated it; acks=all with
// min.insync.replicas loses nothing while an in-sync replica survives — checked by killing the
// leader mid-stream. Source: /work/shared/seed/kafka-notes.md, "Producer delivery semantics (acks)";
// https://kafka.apache.org/documentation/#producerconfigs_acks
import fc from "fast-check";
import type { Producer } from "kafkajs";
import type { Spec, SpecContext } from "./spec.ts";
import { kafkaFor, readTopic, SpecSetupError, withAdmin, type ReadRecord } from "./kit/clients.ts";
import { destructiveProperty } from "./kit/destructive.ts";
import { brokerNode, brokerNodes, needsFailover, until, waitForLeaderOtherThan, withFaults, withLedTopic } from "./kit/faults.ts";
import { throwIfViolated } from "./kit/records.ts";
import { acksZeroAnswered, withConnection } from "./kit/wire.ts";

export type Acks = 0 | 1 | -1;

/** Partition p of the spec's topic carries the records sent with ACKS_BY_PARTITION[p]. */
export const ACKS_BY_PARTITION: readonly Acks[] = [0, 1, -1];

/** One send and what the producer was told about it. */
export interface AcksSend {
  value: string;
  /** Position in its partition's sends. */
  seq: number;
  /** The offset the broker confirmed, if it confirmed one. */
  offset?: number;
  /** The producer gave up on it (error after retries): it may or may not have been written. */
  failed?: string;
  /**
   * Durable even under acks=1: acknowledged, then seen below the high watermark with the ISR full,
   * or sent only after the old leader was dead (so acknowledged by its successor, never killed).
   */
  replicatedOrAfterFailover: boolean;
  /** Sent on a connection of its own (the wire probe): no order is promised against the producer's sends. */
  outOfBand?: boolean;
}

const TIME_LIMIT_MS = 60_000;

const label = (acks: Acks) => (acks === -1 ? "acks=all" : `acks=${acks}`);

/**
 * Everything the guarantees allow and forbid, for one partition written with one acks setting:
 * read-back values were sent, first copies come in send order, acks=0 carries no offset, and the
 * records each setting must keep are found at the offsets the broker confirmed.
 */
export function acksViolations(acks: Acks, partition: number, sends: readonly AcksSend[], read: readonly ReadRecord[]): string[] {
  const violations: string[] = [];
  const who = `${label(acks)} partition ${partition}`;
  const byValue = new Map(sends.map((send) => [send.value, send]));
  let lastSeq = -1;
  const seen = new Set<string>();
  for (const record of read) {
    const send = record.value === null ? undefined : byValue.get(record.value);
    if (send === undefined) {
      violations.push(`${who}: offset ${record.offset} holds ${JSON.stringify(record.value)}, which was never sent`);
      continue;
    }
    if (seen.has(send.value) || send.outOfBand) continue;
    seen.add(send.value);
    if (send.seq < lastSeq) violations.push(`${who}: ${JSON.stringify(send.value)} (send #${send.seq}) was read at offset ${record.offset}, after a record sent later (send #${lastSeq})`);
    lastSeq = Math.max(lastSeq, send.seq);
  }
  const atOffset = new Map(read.map((record) => [record.offset, record]));
  for (const send of sends) {
    if (acks === 0) {
      if (send.offset !== undefined) violations.push(`${who}: ${JSON.stringify(send.value)} was confirmed at offset ${send.offset}, but acks=0 is never acknowledged`);
      continue;
    }
    if (send.offset === undefined) continue;
    const mustSurvive = acks === -1 || send.replicatedOrAfterFailover;
    if (!mustSurvive) continue;
    const found = atOffset.get(send.offset);
    if (found?.value !== send.value) {
      const why = acks === -1 ? "acks=all with min.insync.replicas must not lose it while an in-sync replica survives" : "it was replicated (or acknowledged by the new leader), so no leader failure can excuse losing it";
      violations.push(`${who}: ${JSON.stringify(send.value)} was acknowledged at offset ${send.offset}, but the read-back holds ${found === undefined ? "nothing" : JSON.stringify(found.value)} there; ${why}`);
    }
  }
  return violations;
}

const workload = fc.record({
  leader: fc.nat(),
  /** Sends per partition before the fault, checked to be replicated before the stream begins. */
  replicatedFirst: fc.integer({ min: 1, max: 6 }),
  /** Sends per partition in the stream the leader dies in. */
  streamed: fc.integer({ min: 4, max: 20 }),
  /** The leader is killed after this many rounds of the stream. */
  killAfter: fc.integer({ min: 1, max: 3 }),
  padding: fc.integer({ min: 0, max: 64 }),
});

async function sendOne(producer: Producer, topic: string, partition: number, acks: Acks, value: string): Promise<Pick<AcksSend, "offset" | "failed">> {
  try {
    const results = await producer.send({ topic, acks, messages: [{ key: null, value, partition }] });
    const confirmed = results.find((r) => r.partition === partition);
    const offset = confirmed?.baseOffset ?? confirmed?.offset;
    return offset === undefined || Number(offset) < 0 ? {} : { offset: Number(offset) };
  } catch (error) {
    return { failed: error instanceof Error ? error.message : String(error) };
  }
}

/** High watermark of each partition, as the current leaders report it. */
async function highWatermarks(context: SpecContext, topic: string): Promise<Map<number, number>> {
  return withAdmin(context.target, async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)])));
}

type Workload = typeof workload extends fc.Arbitrary<infer T> ? T : never;

async function run(context: SpecContext, w: Workload): Promise<void> {
  const { target } = context;
  const brokers = brokerNodes(target).map((node) => node.nodeId);
  const leader = brokers[w.leader % brokers.length];
  const topic = context.unique("t");
  const pad = "x".repeat(w.padding);
  const sends: AcksSend[][] = ACKS_BY_PARTITION.map(() => []);
  // Past the offsets of the records that must survive: an acks=1 record the old leader acknowledged
  // and lost may have an offset the new leader's log has not reached again.
  const durableEnd = (partition: number) => Math.max(-1, ...sends[partition].filter((s) => ACKS_BY_PARTITION[partition] === -1 || s.replicatedOrAfterFailover).map((s) => s.offset ?? -1)) + 1;
  const highWatermarksPass = (what: string, timeoutMs: number) =>
    until(`the high watermarks of ${topic} to pass the records acknowledged ${what}`, timeoutMs, async () => {
      const hw = await highWatermarks(context, topic);
      return [1, 2].every((p) => (hw.get(p) ?? 0) >= durableEnd(p)) ? true : undefined;
    });

  await withLedTopic(target, topic, { partitions: ACKS_BY_PARTITION.length, leader, replicationFactor: 3, config: { "min.insync.replicas": "2" } }, async () => {
    await withFaults(target, async (faults) => {
      const producer = kafkaFor(target, "kconform-spec-acks").producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        const send = async (partition: number, phase: string, durable: boolean) => {
          const acks = ACKS_BY_PARTITION[partition];
          const entry: AcksSend = { value: `${label(acks)}/${phase}/${sends[partition].length}/${pad}`, seq: sends[partition].length, replicatedOrAfterFailover: durable };
          sends[partition].push(entry);
          Object.assign(entry, await sendOne(producer, topic, partition, acks, entry.value));
          return entry;
        };
        // Before any fault: acknowledged, then replicated to the whole ISR (the high watermark
        // passes them), so even acks=1 may not lose these.
        for (let i = 0; i < w.replicatedFirst; i++) for (const partition of ACKS_BY_PARTITION.keys()) await send(partition, "replicated", true);
        await highWatermarksPass("before the fault", 10_000);
        await probeAcksZero(context, topic, leader, sends[0], pad);

        // The stream: rounds of one send per partition, side by side; the leader is SIGKILLed
        // after round `killAfter` while the next rounds are already on their way.
        let killed = false;
        let kill: Promise<void> | undefined;
        for (let round = 0; round < w.streamed; round++) {
          const started = killed;
          await Promise.all(ACKS_BY_PARTITION.map((_, partition) => send(partition, "stream", started)));
          if (round + 1 === w.killAfter) {
            kill = faults.kill(leader).then(() => {
              killed = true;
            });
          }
        }
        await kill;
        context.say(`acks-guarantees: broker ${leader} killed mid-stream; waiting for new leaders of ${topic}`);
        await waitForLeaderOtherThan(target, topic, new Set([leader]));
        for (const partition of ACKS_BY_PARTITION.keys()) await send(partition, "after-failover", true);
        // Healing brings the old leader back and may move leadership: first let the new leaders'
        // high watermarks cover what they acknowledged, as the guarantee assumes.
        await highWatermarksPass("after the failover", 15_000);
      } finally {
        await producer.disconnect();
      }
      context.say(`acks-guarantees: restarting broker ${leader}`);
    });
    context.say(`acks-guarantees: reading ${topic} back`);
    const read = await readTopic(target, topic, { groupId: context.unique("reader") });
    const violations = ACKS_BY_PARTITION.flatMap((acks, partition) => acksViolations(acks, partition, sends[partition], read.get(partition) ?? []));
    throwIfViolated("acks-guarantees", violations, { topic, leader });
  });
}

/** acks=0 at the wire: the leader must send no response at all. The probe's record counts as an acks=0 send. */
async function probeAcksZero(context: SpecContext, topic: string, leader: number, sends: AcksSend[], pad: string): Promise<void> {
  const address = brokerNode(context.target, leader).clientAddress;
  if (address === undefined) throw new SpecSetupError(`broker ${leader} has no client address to send the acks=0 probe to`, "no-client-address", { leader });
  const value = `acks=0/wire/${sends.length}/${pad}`;
  sends.push({ value, seq: sends.length, replicatedOrAfterFailover: false, outOfBand: true });
  const answered = await withConnection(context.target, address, (connection) => acksZeroAnswered(connection, topic, 0, [value]));
  if (answered) throwIfViolated("acks-guarantees", [`broker ${leader} answered an acks=0 Produce to ${topic}-0 with a response; acks=0 requests get none`], { topic, leader });
}

export const acksGuarantees: Spec = {
  name: "acks-guarantees",
  guarantee:
    "acks=0 is never acknowledged (and may lose records); acks=1 loses a record only if its leader fails before followers replicate it; acks=all with min.insync.replicas=2 loses no acknowledged record while an in-sync replica survives.",
  source:
    'kafka-notes.md, "Producer delivery semantics (acks)": "acks=0: Producer won\'t wait for the ack (possible data loss)", "acks=1: Producer will wait for the leader ack (limited data loss)", "acks=all: Leader + replicas acks (no data loss)"; https://kafka.apache.org/documentation/#producerconfigs_acks and #brokerconfigs_min.insync.replicas',
  numRuns: 2,
  exclusive: true,
  timeLimitMs: TIME_LIMIT_MS,
  unavailable: (target) => needsFailover(target, 3, "acks-guarantees"),
  property: (context) => destructiveProperty(TIME_LIMIT_MS, workload, (w) => run(context, w)),
};
