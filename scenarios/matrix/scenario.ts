// One generator for every cell of the guarantee matrix: the cell's acks, min.insync.replicas and
// unclean election become the producer and topic configuration, its fault a one-fault schedule
// aimed at the only partition, and its prediction the anomalies the scenario allows and expects.
import fc from "fast-check";
import { SAFE_PRODUCER, type ProducerSettings } from "../../harness/clients/settings.ts";
import type { AnomalyType } from "../../harness/checker/anomalies.ts";
import type { FaultChoice } from "../../harness/generator/fault-schedule.ts";
import type { MatrixCellKey, MatrixPrediction } from "../../harness/run/result.ts";
import type { Scenario, ScenarioFaults } from "../../harness/run/scenario.ts";
import type { Cluster } from "../../harness/targets/target.ts";
import { CONSUMER, DOCS, MODEST_WORKLOAD } from "../common.ts";
import { predictCell } from "./prediction.ts";

/**
 * How long lagging-leader-kill (and lagging-majority-wipe) keep followers paused before the kill. Short: below
 * the broker session timeout (3 s on both targets), so they stay in the ISR and the election is
 * clean. Long: past it, so they are fenced out of the ISR and the leader acknowledges acks=all alone.
 */
export const LAG_IN_ISR_MS = 1_500;
export const LAG_OUT_OF_ISR_MS = 8_000;

const GAP_MS = { min: 3_000, max: 4_000 };
const QUIET_TAIL_MS = 6_000;

/** acks=all needs the ISR shrunk to the leader before the leader alone can acknowledge. */
function needsLeaderAlone(key: MatrixCellKey): boolean {
  return key.acks === "all" && key.minInsyncReplicas === 1;
}

function faultChoice(key: MatrixCellKey): FaultChoice | undefined {
  switch (key.fault) {
    case "none":
      return undefined;
    case "leader-kill": {
      const lagMs = needsLeaderAlone(key) ? LAG_OUT_OF_ISR_MS : LAG_IN_ISR_MS;
      // The window covers the lag, the kill and a few seconds without the leader before it restarts.
      return { fault: "lagging-leader-kill", targets: ["leader:0"], durationMs: { min: lagMs + 5_000, max: lagMs + 6_000 }, params: fc.constant({ lagMs }) };
    }
    case "leader-isolation":
      return { fault: "partition-isolate", targets: ["leader:0"], durationMs: { min: 8_000, max: 10_000 } };
    case "follower-pause":
      return { fault: "pause", targets: ["followers:0"], durationMs: { min: 6_000, max: 8_000 } };
    case "n-1-loss":
      // Two of the three brokers, N-1 for replication factor N=3: the leader and a follower, while
      // both followers lag in the ISR, so whatever only the leader had is gone with it. The loss
      // acks=all allows with unclean election on needs the survivor fenced out of the ISR first;
      // then (seen on Kafka 4.3.1) each __consumer_offsets partition whose ISR had shrunk to the
      // wiped pair has no eligible leader for good, as unclean election is off for it, and the
      // cells after it cannot run. So those two cells may show loss but are not forced to.
      return { fault: "lagging-majority-wipe", targets: ["leader:0"], durationMs: { min: LAG_IN_ISR_MS + 5_000, max: LAG_IN_ISR_MS + 6_000 }, params: fc.constant({ lagMs: LAG_IN_ISR_MS }) };
  }
}

function producerFor(acks: MatrixCellKey["acks"]): ProducerSettings {
  // Idempotence needs acks=all; below it, retries may write a record twice.
  if (acks === "all") return SAFE_PRODUCER;
  return { acks: acks === "0" ? 0 : 1, idempotent: false, retries: acks === "0" ? 0 : 5, maxInFlight: 1 };
}

/**
 * What a cell allows. Where loss is possible: the loss itself (lost-write; unseen, the only trace
 * acks=0 leaves), the lost records' offsets reused by the next leader, and consumers that read the
 * discarded tail and then the new leader's log. Without idempotence, duplicates from retries.
 */
function allowedFor(prediction: MatrixPrediction): AnomalyType[] {
  const retries: AnomalyType[] = prediction.acks === "all" ? [] : ["duplicate"];
  if (prediction.predicted === "no-loss") return retries;
  return ["lost-write", "unseen", "inconsistent-offsets", "poll-skip", "nonmonotonic-poll", ...retries];
}

const COMBINED_NODES =
  "its brokers are also the controller quorum (combined nodes), so the fault would take the quorum's majority with them; it needs dedicated controllers (kconform run --controllers 3)";

/** Cells whose fault must leave the KRaft quorum standing while it stops or wipes two brokers. */
function unavailableFor(key: MatrixCellKey): ((cluster: Cluster) => string | undefined) | undefined {
  const twoBrokers = key.fault === "n-1-loss" ? "wiping two of three brokers" : key.fault === "leader-kill" && needsLeaderAlone(key) ? "pausing both followers until they leave the ISR" : undefined;
  if (twoBrokers === undefined) return undefined;
  return (cluster) => (cluster.nodes.some((node) => node.roles.includes("broker") && node.roles.includes("controller")) ? `${twoBrokers}: ${COMBINED_NODES}` : undefined);
}

export function matrixScenarioName(key: MatrixCellKey): string {
  return `matrix-acks${key.acks}-minisr${key.minInsyncReplicas}-unclean-${key.uncleanElection ? "on" : "off"}-${key.fault}`;
}

export function matrixScenario(key: MatrixCellKey): Scenario {
  const prediction = predictCell(key);
  const choice = faultChoice(key);
  const faults: ScenarioFaults =
    choice === undefined
      ? { choices: [], faults: { min: 0, max: 0 }, gapMs: { min: 0, max: 0 }, quietTailMs: 0 }
      : { choices: [choice], faults: { min: 1, max: 1 }, gapMs: GAP_MS, quietTailMs: QUIET_TAIL_MS };
  const unavailable = unavailableFor(key);
  return {
    name: matrixScenarioName(key),
    description: `guarantee matrix: acks=${key.acks}, min.insync.replicas=${key.minInsyncReplicas}, unclean.leader.election.enable=${key.uncleanElection}, RF=3, one partition; fault: ${key.fault}`,
    guarantee: `${prediction.predicted === "no-loss" ? "No acknowledged record may be lost" : "Acknowledged records may be lost"}: ${prediction.reason}`,
    source: DOCS,
    nodes: 3,
    topic: { partitions: 1, replicationFactor: 3, config: { "min.insync.replicas": String(key.minInsyncReplicas), "unclean.leader.election.enable": String(key.uncleanElection) } },
    producer: producerFor(key.acks),
    consumer: CONSUMER,
    workload: { ...MODEST_WORKLOAD, producers: { min: 2, max: 2 }, consumers: { min: 1, max: 1 }, producerRate: { min: 20, max: 40 }, keying: "unkeyed" },
    faults,
    // No `expected`: whether the loss showed is the matrix cell's observation (harness/run/matrix.ts),
    // which also counts what only the final read sees.
    allowed: allowedFor(prediction),
    timeLimitMs: choice === undefined ? 12_000 : GAP_MS.max + choice.durationMs.max + QUIET_TAIL_MS + 2_000,
    matrix: prediction,
    ...(unavailable !== undefined ? { unavailable } : {}),
  };
}
