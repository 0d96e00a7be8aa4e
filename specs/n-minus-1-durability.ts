// n-minus-1-durability: with replication factor N and acks=all into a full ISR, N-1 brokers can be
// lost for good — killed, their data directories wiped — and every acknowledged record is still
// read back, in order, once they return empty. Source: /work/shared/seed/kafka-notes.md,
// "Replication" ("For Replication factor of N, you can permanently lose N-1 brokers and still
// recover your data"); https://kafka.apache.org/documentation/#design_replicatedlog
import fc from "fast-check";
import { needsOwnedBrokers, type Spec, type SpecContext, type SpecTarget } from "./spec.ts";
import { readTopic, sendInOrder, SpecSetupError, withProducer, type ReadRecord } from "./kit/clients.ts";
import { destructiveProperty } from "./kit/destructive.ts";
import { brokerNode, brokerNodes, withFaults, withLedTopic } from "./kit/faults.ts";
import { metadataQuorumLeader, withConnection } from "./kit/wire.ts";
import { ackedNotReadBack, throwIfViolated, type AckedRecord } from "./kit/records.ts";

/**
 * Every acknowledged record is read back at its offset, and each partition's records come back in
 * the order they were sent (one producer, one send at a time).
 */
export function durabilityViolations(acked: readonly AckedRecord[], read: ReadonlyMap<number, readonly ReadRecord[]>, lost: readonly number[]): string[] {
  const reader = `the read-back after brokers ${lost.join(", ")} were killed, wiped and restarted`;
  const violations = ackedNotReadBack(acked, read, reader);
  for (const [partition, records] of read) {
    const sentOrder = acked.filter((r) => r.partition === partition).map((r) => r.value);
    const readOrder = records.map((r) => r.value).filter((value): value is string => value !== null && sentOrder.includes(value));
    const first = readOrder.findIndex((value, i) => value !== sentOrder[i]);
    if (first >= 0) violations.push(`${reader} of partition ${partition} returns ${JSON.stringify(readOrder[first])} where ${JSON.stringify(sentOrder[first])} was sent`);
  }
  return violations;
}

const workload = fc.record({
  partitions: fc.integer({ min: 1, max: 3 }),
  leader: fc.nat(),
  survivor: fc.nat(),
  records: fc.array(fc.record({ partition: fc.nat(), size: fc.integer({ min: 0, max: 256 }) }), { minLength: 1, maxLength: 40 }),
});

type Workload = typeof workload extends fc.Arbitrary<infer T> ? T : never;

/**
 * The broker to keep: the one drawn, unless brokers are also the controller quorum's voters. A
 * static KRaft quorum does not survive the disk loss of the voter that leads it (Kafka 4.3.1's
 * wiped ex-leader dies on restart: the survivor still names it leader of an epoch it has no record
 * of), so there the survivor is the quorum's leader. Partition leadership is drawn apart from it.
 */
async function survivorOf(target: SpecTarget, drawn: number): Promise<number> {
  const combined = target.cluster.nodes.some((node) => node.roles.includes("broker") && node.roles.includes("controller"));
  if (!combined) return drawn;
  const address = brokerNode(target, drawn).clientAddress;
  if (address === undefined) throw new SpecSetupError(`broker ${drawn} has no client address to ask who leads the controller quorum`, "no-client-address", { broker: drawn });
  const leader = await withConnection(target, address, metadataQuorumLeader);
  if (!brokerNodes(target).some((node) => node.nodeId === leader)) throw new SpecSetupError(`the controller quorum is led by node ${leader}, which is not a broker kconform started`, "quorum-leader-unknown", { leader });
  return leader;
}

async function run(context: SpecContext, w: Workload): Promise<void> {
  const { target } = context;
  const brokers = brokerNodes(target).map((node) => node.nodeId);
  const leader = brokers[w.leader % brokers.length];
  const survivor = await survivorOf(target, brokers[w.survivor % brokers.length]);
  const lost = brokers.filter((id) => id !== survivor);
  const topic = context.unique("t");
  // min.insync.replicas = N: an acks=all acknowledgement then proves the record is on all N replicas.
  const config = { "min.insync.replicas": String(brokers.length) };
  await withLedTopic(target, topic, { partitions: w.partitions, leader, replicationFactor: brokers.length, config }, async () => {
    const records = w.records.map((r, i) => ({ key: null, value: `${i}/${"d".repeat(r.size)}`, partition: r.partition % w.partitions }));
    const placed = await withProducer(target, { allowAutoTopicCreation: false }, (producer) => sendInOrder(producer, topic, records, -1));
    const acked: AckedRecord[] = records.map((r, i) => ({ ...r, ...placed[i] }));
    await withFaults(target, async (faults) => {
      await Promise.all(lost.map((id) => faults.kill(id)));
      for (const id of lost) await faults.wipe(id);
      context.say(`n-minus-1-durability: brokers ${lost.join(", ")} killed and wiped; broker ${survivor} holds ${topic} alone`);
    });
    const read = await readTopic(target, topic, { groupId: context.unique("reader") });
    throwIfViolated("n-minus-1-durability", durabilityViolations(acked, read, lost), { topic, survivor, lost });
  });
}

const TIME_LIMIT_MS = 90_000;

export const nMinus1Durability: Spec = {
  name: "n-minus-1-durability",
  guarantee: "With replication factor N and acks=all into a full ISR, N-1 brokers can be lost with their data and every acknowledged record is still read back, in order.",
  source: 'kafka-notes.md, "Replication": "For Replication factor of N, you can permanently lose N-1 brokers and still recover your data"; https://kafka.apache.org/documentation/#design_replicatedlog',
  numRuns: 2,
  exclusive: true,
  timeLimitMs: TIME_LIMIT_MS,
  unavailable: (target) => needsOwnedBrokers(target, 2, "n-minus-1-durability"),
  property: (context) => destructiveProperty(TIME_LIMIT_MS, workload, (w) => run(context, w)),
};
