// Safe configuration, a partition's leader cut off from the other brokers by a network partition
// (clients still reach it): the isolated leader must not acknowledge what it cannot replicate.
import { SAFE_PRODUCER } from "../harness/clients/settings.ts";
import type { Scenario } from "../harness/run/scenario.ts";
import { CONSUMER, DOCS, leaders, MODEST_WORKLOAD, SAFE_TOPIC } from "./common.ts";

export const safeLeaderIsolation: Scenario = {
  name: "safe-leader-isolation",
  description: "acks=all, idempotent producers, RF=3, min.insync.replicas=2; the leader of a partition is isolated from the other brokers, then healed",
  guarantee: "An isolated leader cannot gather min.insync.replicas acknowledgements, so it acknowledges nothing the new leader lacks: no acknowledged record is lost.",
  source: DOCS,
  nodes: 3,
  topic: SAFE_TOPIC,
  producer: SAFE_PRODUCER,
  consumer: CONSUMER,
  workload: MODEST_WORKLOAD,
  faults: {
    choices: [{ fault: "partition-isolate", targets: leaders(SAFE_TOPIC.partitions), durationMs: { min: 5_000, max: 10_000 } }],
    faults: { min: 1, max: 2 },
    gapMs: { min: 2_000, max: 5_000 },
    quietTailMs: 5_000,
  },
  allowed: [],
  timeLimitMs: 30_000,
};
