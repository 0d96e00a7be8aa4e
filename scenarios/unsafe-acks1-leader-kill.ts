// acks=1 with a leader killed mid-load while its followers lag: Kafka documents that the leader
// acknowledges alone, so records it held alone are lost with it. The loss is expected and allowed
// at this guarantee level; the scenario shows the suite can see it.
import type { Scenario } from "../harness/run/scenario.ts";
import { CONSUMER, DOCS, MODEST_WORKLOAD } from "./common.ts";

export const UNSAFE_TOPIC: Scenario["topic"] = { partitions: 1, replicationFactor: 3, config: { "min.insync.replicas": "1", "unclean.leader.election.enable": "false" } };

export const unsafeAcks1LeaderKill: Scenario = {
  name: "unsafe-acks1-leader-kill",
  description: "acks=1, no idempotence, RF=3; the followers of the only partition are paused while its leader acknowledges alone, then the leader is SIGKILLed",
  guarantee: "acks=1: the leader acknowledges once it has the record itself; if it fails before a follower copied it, the record is lost (loss allowed at this level).",
  source: DOCS,
  nodes: 3,
  topic: UNSAFE_TOPIC,
  producer: { acks: 1, idempotent: false, retries: 5, maxInFlight: 1 },
  consumer: CONSUMER,
  workload: { ...MODEST_WORKLOAD, producers: { min: 2, max: 3 }, producerRate: { min: 30, max: 60 }, keying: "unkeyed" },
  faults: {
    choices: [{ fault: "lagging-leader-kill", targets: ["leader:0"], durationMs: { min: 6_000, max: 10_000 } }],
    faults: { min: 1, max: 1 },
    gapMs: { min: 4_000, max: 8_000 },
    quietTailMs: 6_000,
  },
  // Losing acknowledged records is the documented risk; offsets of the lost records are reused by
  // the next leader, and retries without idempotence may duplicate.
  allowed: ["lost-write", "unseen", "inconsistent-offsets", "duplicate"],
  expected: ["lost-write"],
  timeLimitMs: 30_000,
};
