// Safe configuration, partition leaders SIGKILLed and restarted: no acknowledged write may be lost.
import { SAFE_PRODUCER } from "../harness/clients/settings.ts";
import type { Scenario } from "../harness/run/scenario.ts";
import { CONSUMER, DOCS, leaders, MODEST_WORKLOAD, SAFE_TOPIC } from "./common.ts";

export const safeLeaderKill: Scenario = {
  name: "safe-leader-kill",
  description: "acks=all, idempotent producers, RF=3, min.insync.replicas=2; the leader of a partition is SIGKILLed and later restarted",
  guarantee: "With acks=all and min.insync.replicas=2, an acknowledged record survives the loss of its partition's leader, and the idempotent producer writes each record once.",
  source: DOCS,
  nodes: 3,
  topic: SAFE_TOPIC,
  producer: SAFE_PRODUCER,
  consumer: CONSUMER,
  workload: MODEST_WORKLOAD,
  faults: {
    choices: [{ fault: "kill", targets: leaders(SAFE_TOPIC.partitions), durationMs: { min: 3_000, max: 8_000 } }],
    faults: { min: 1, max: 2 },
    gapMs: { min: 2_000, max: 6_000 },
    quietTailMs: 5_000,
  },
  allowed: [],
  timeLimitMs: 30_000,
};
