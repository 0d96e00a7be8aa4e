// Safe configuration, the clients' links to a leader (or to every broker) black-holed: requests
// hang and time out as indeterminate, and nothing acknowledged may be lost or duplicated.
import { SAFE_PRODUCER } from "../harness/clients/settings.ts";
import type { Scenario } from "../harness/run/scenario.ts";
import { CONSUMER, DOCS, leaders, MODEST_WORKLOAD, SAFE_TOPIC } from "./common.ts";

export const safeClientBlackhole: Scenario = {
  name: "safe-client-blackhole",
  description: "acks=all, idempotent producers, RF=3, min.insync.replicas=2; the client links to a partition leader or to all brokers pass nothing for a while",
  guarantee: "Whatever the network between clients and brokers does, an acknowledged record is never lost and the idempotent producer writes each record once.",
  source: DOCS,
  nodes: 3,
  topic: SAFE_TOPIC,
  producer: SAFE_PRODUCER,
  consumer: CONSUMER,
  workload: MODEST_WORKLOAD,
  faults: {
    choices: [{ fault: "blackhole", targets: [...leaders(SAFE_TOPIC.partitions), "all"], durationMs: { min: 3_000, max: 8_000 } }],
    faults: { min: 1, max: 2 },
    gapMs: { min: 2_000, max: 5_000 },
    quietTailMs: 5_000,
  },
  allowed: [],
  timeLimitMs: 30_000,
};
