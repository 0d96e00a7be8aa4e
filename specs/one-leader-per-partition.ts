// one-leader-per-partition: at any time a partition has one leader — every broker's metadata names
// one leader per partition, and no two brokers name different leaders for the same leader epoch —
// and a Produce sent straight to a broker that is not the leader is refused with
// NOT_LEADER_OR_FOLLOWER, also while a killed leader fails over and comes back. Source:
// /work/shared/seed/kafka-notes.md, "Leader for a Partition" ("At any time only ONE broker can be
// a leader for a given partition", "Producers can only send data to the broker that is a leader
// of a partition"); https://kafka.apache.org/documentation/#replication
import fc from "fast-check";
import { setTimeout as sleep } from "node:timers/promises";
import type { Spec, SpecContext, SpecTarget } from "./spec.ts";
import { SpecSetupError } from "./kit/clients.ts";
import { destructiveProperty } from "./kit/destructive.ts";
import { brokerNodes, needsFailover, waitForLeaderOtherThan, withFaults, withLedTopic } from "./kit/faults.ts";
import { throwIfViolated } from "./kit/records.ts";
import { metadataView, produceDirect, withConnection, type PartitionView } from "./kit/wire.ts";

const NOT_LEADER_OR_FOLLOWER = 6;

/** One broker's Metadata answer for the spec's topic. */
export interface LeaderObservation {
  broker: number;
  /** Sample number, in the order the samples were taken. */
  sample: number;
  partitions: readonly Pick<PartitionView, "partition" | "leader" | "leaderEpoch">[];
}

/** A Produce sent straight to `broker`, which named `leader` (not itself) as the leader both just before and just after. */
export interface NonLeaderProbe {
  broker: number;
  partition: number;
  leader: number;
  leaderEpoch: number;
  errorCode: number;
  baseOffset: number;
}

/**
 * Each answer lists each partition once; across all answers of all brokers, a leader epoch of a
 * partition names one leader; and every Produce to a broker that named another leader was refused
 * with NOT_LEADER_OR_FOLLOWER.
 */
export function leadershipViolations(observations: readonly LeaderObservation[], probes: readonly NonLeaderProbe[]): string[] {
  const violations: string[] = [];
  const leadersByEpoch = new Map<string, Map<number, string>>();
  for (const observation of observations) {
    const seen = new Set<number>();
    for (const p of observation.partitions) {
      if (seen.has(p.partition)) violations.push(`broker ${observation.broker}'s metadata (sample ${observation.sample}) lists partition ${p.partition} twice`);
      seen.add(p.partition);
      if (p.leader < 0 || p.leaderEpoch < 0) continue;
      const key = `${p.partition}@${p.leaderEpoch}`;
      const named = leadersByEpoch.get(key) ?? new Map<number, string>();
      if (!named.has(p.leader)) named.set(p.leader, `broker ${observation.broker} (sample ${observation.sample})`);
      leadersByEpoch.set(key, named);
    }
  }
  for (const [key, named] of leadersByEpoch) {
    if (named.size <= 1) continue;
    const [partition, epoch] = key.split("@");
    violations.push(`partition ${partition} has ${named.size} leaders in leader epoch ${epoch}: ${[...named].map(([leader, by]) => `${leader} according to ${by}`).join(", ")}`);
  }
  for (const probe of probes) {
    if (probe.errorCode === NOT_LEADER_OR_FOLLOWER) continue;
    const outcome = probe.errorCode === 0 ? `accepted it at offset ${probe.baseOffset}` : `refused it with error code ${probe.errorCode}`;
    violations.push(`broker ${probe.broker} named broker ${probe.leader} leader of partition ${probe.partition} (epoch ${probe.leaderEpoch}) before and after a Produce sent straight to it, yet ${outcome} instead of NOT_LEADER_OR_FOLLOWER (${NOT_LEADER_OR_FOLLOWER})`);
  }
  return violations;
}

/** Samples every broker's metadata, probing the non-leaders with a Produce, until stopped. */
class LeadershipSampler {
  readonly observations: LeaderObservation[] = [];
  readonly probes: NonLeaderProbe[] = [];
  private sample = 0;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly target: SpecTarget,
    private readonly topic: string,
    intervalMs: number,
  ) {
    this.loop = (async () => {
      while (!this.stopped) {
        await Promise.all(brokerNodes(target).map((node) => this.sampleBroker(node.nodeId, node.clientAddress)));
        await sleep(intervalMs);
      }
    })();
  }

  /** Metadata answers asked for so far, from all brokers. */
  get samples(): number {
    return this.sample;
  }

  private async sampleBroker(broker: number, address: string | undefined): Promise<void> {
    if (address === undefined) return;
    // A killed or restarting broker does not answer; there is nothing to observe there.
    await withConnection(this.target, address, async (connection) => {
      const sample = this.sample++;
      const before = await metadataView(connection, this.topic);
      if (before.topicErrorCode !== 0) return;
      this.observations.push({ broker, sample, partitions: before.partitions });
      for (const p of before.partitions.filter((view) => view.leader !== broker && view.errorCode === 0)) {
        const { errorCode, baseOffset } = await produceDirect(connection, this.topic, p.partition, [`probe of broker ${broker}`]);
        const after = (await metadataView(connection, this.topic)).partitions.find((view) => view.partition === p.partition);
        // Leadership moved between the two views: the probe proves nothing either way.
        if (after === undefined || after.leader !== p.leader || after.leaderEpoch !== p.leaderEpoch) continue;
        this.probes.push({ broker, partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, errorCode, baseOffset });
      }
    }).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

const workload = fc.record({
  partitions: fc.integer({ min: 1, max: 3 }),
  leader: fc.nat(),
  intervalMs: fc.integer({ min: 20, max: 150 }),
  /** Rounds of samples before the kill, and after the cluster serves again. */
  roundsBefore: fc.integer({ min: 1, max: 4 }),
  roundsAfter: fc.integer({ min: 1, max: 4 }),
});

type Workload = typeof workload extends fc.Arbitrary<infer T> ? T : never;

/** Waits until about `rounds` more rounds of samples (one per broker each) were taken. */
async function waitForRounds(sampler: LeadershipSampler, rounds: number, brokers: number): Promise<void> {
  const wanted = sampler.samples + rounds * brokers;
  while (sampler.samples < wanted) await sleep(20);
}

async function run(context: SpecContext, w: Workload): Promise<void> {
  const { target } = context;
  const brokers = brokerNodes(target).map((node) => node.nodeId);
  const leader = brokers[w.leader % brokers.length];
  const topic = context.unique("t");
  await withLedTopic(target, topic, { partitions: w.partitions, leader, replicationFactor: Math.min(3, brokers.length) }, async () => {
    const sampler = new LeadershipSampler(target, topic, w.intervalMs);
    try {
      await waitForRounds(sampler, w.roundsBefore, brokers.length);
      await withFaults(target, async (faults) => {
        await faults.kill(leader);
        await waitForLeaderOtherThan(target, topic, new Set([leader]));
        context.say(`one-leader-per-partition: broker ${leader} killed, ${topic} failed over; restarting it`);
      });
      await waitForRounds(sampler, w.roundsAfter, brokers.length);
    } finally {
      await sampler.stop();
    }
    const epochs = new Set(sampler.observations.flatMap((o) => o.partitions.map((p) => `${p.partition}@${p.leaderEpoch}`)));
    context.say(`one-leader-per-partition: ${sampler.observations.length} metadata answers over ${epochs.size} partition leader epochs, ${sampler.probes.length} produce probes of non-leaders`);
    throwIfViolated("one-leader-per-partition", leadershipViolations(sampler.observations, sampler.probes), { topic, leader });
    if (sampler.probes.length === 0) throw new SpecSetupError(`no Produce to a non-leader of ${topic} was ever answered, so no refusal could be checked`, "no-probes", { topic });
  });
}

const TIME_LIMIT_MS = 60_000;

export const oneLeaderPerPartition: Spec = {
  name: "one-leader-per-partition",
  guarantee:
    "At any time a partition has one leader: each broker's metadata names one leader per partition, no two brokers name different leaders for the same leader epoch, and a Produce sent to a broker that is not the leader is refused with NOT_LEADER_OR_FOLLOWER — also across a leader failure.",
  source:
    'kafka-notes.md, "Leader for a Partition": "At any time only ONE broker can be a leader for a given partition", "Producers can only send data to the broker that is a leader of a partition"; https://kafka.apache.org/documentation/#replication',
  numRuns: 2,
  exclusive: true,
  timeLimitMs: TIME_LIMIT_MS,
  unavailable: (target) => needsFailover(target, 2, "one-leader-per-partition"),
  property: (context) => destructiveProperty(TIME_LIMIT_MS, workload, (w) => run(context, w)),
};
