// One broker, the clients' link to it disturbed every way Toxiproxy can (latency, a blackhole,
// resets, sliced packets): requests time out or fail, and none of it may lose or duplicate an
// acknowledged record. Runs on a single node, so also on the single-node reference broker.
import fc from "fast-check";
import { SAFE_PRODUCER } from "../harness/clients/settings.ts";
import type { Scenario } from "../harness/run/scenario.ts";
import { CONSUMER, DOCS, MODEST_WORKLOAD } from "./common.ts";

export const singleNodeLinkFaults: Scenario = {
  name: "single-node-link-faults",
  description: "acks=all, idempotent producers, one broker (RF=1); latency, blackholes, connection resets and sliced packets on the client link",
  guarantee: "Whatever happens on the network between clients and the broker, an acknowledged record is never lost and the idempotent producer writes each record once.",
  source: DOCS,
  nodes: 1,
  topic: { partitions: 3, replicationFactor: 1, config: {} },
  producer: SAFE_PRODUCER,
  consumer: CONSUMER,
  workload: MODEST_WORKLOAD,
  faults: {
    choices: [
      { fault: "latency", targets: ["all"], durationMs: { min: 2_000, max: 5_000 }, params: fc.record({ latencyMs: fc.integer({ min: 50, max: 400 }), jitterMs: fc.integer({ min: 0, max: 50 }) }) },
      { fault: "blackhole", targets: ["all"], durationMs: { min: 2_000, max: 5_000 } },
      { fault: "reset-peer", targets: ["all"], durationMs: { min: 1_000, max: 3_000 } },
      { fault: "slicer", targets: ["all"], durationMs: { min: 2_000, max: 5_000 } },
    ],
    faults: { min: 1, max: 4 },
    gapMs: { min: 1_000, max: 3_000 },
    quietTailMs: 5_000,
  },
  allowed: [],
  timeLimitMs: 30_000,
};
