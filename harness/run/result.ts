// The result of one `kconform run`, written as results.json: what ran, against what, with which
// seed, and what was found. Every report (HTML, Allure, JUnit) is rendered from this and the
// history files it names, never from in-memory state, so a report can be rebuilt after the fact.
import type { CheckResult } from "../checker/anomalies.ts";
import type { WorkloadPlan } from "../generator/plan.ts";
import type { TargetKind } from "../targets/target.ts";

export const RUN_RESULT_VERSION = 1;

export type Status = "passed" | "failed" | "unknown" | "skipped";

/** One fault as it happened: drawn as a shaded window on the timeline and the charts. */
export interface FaultWindow {
  /** The fault package's name, e.g. "kill", "partition-leader", "latency". */
  fault: string;
  label: string;
  /** CSS colour of its shading. */
  color: string;
  /** Nanoseconds since the run started, as in the history; endNs undefined if never healed. */
  startNs: number;
  endNs?: number;
  /** What it hit: node ids, proxy names, partitions. */
  targets: string[];
  params?: Record<string, unknown>;
}

/** A fault schedule as the generator produced it: what to inject, when, for how long. */
export interface ScheduledFault {
  atMs: number;
  durationMs: number;
  fault: string;
  target: string;
  params?: Record<string, unknown>;
}

export interface ScenarioResult {
  name: string;
  /** When the scenario began (ISO 8601): reports place it on the run's time line. */
  startedAt?: string;
  description: string;
  /** The documented guarantee this scenario exercises, and where Kafka promises it. */
  guarantee: string;
  source: string;
  status: Status;
  skipReason?: string;
  /** Broker/topic/client configuration of this scenario (acks, min.insync.replicas, ...). */
  config: Record<string, string | number | boolean>;
  /** Anomalies this scenario's guarantee level accepts. */
  allowed: string[];
  /** Path of the history, relative to the output directory. */
  history: string;
  operations: number;
  durationMs: number;
  faults: FaultWindow[];
  schedule: ScheduledFault[];
  check: CheckResult;
  /** The seed that generated this scenario's workload and schedule (`--seed` replays it). */
  seed?: number;
  /** The generated workload: workers, their rates and the operations they cycle through. */
  workload?: WorkloadPlan;
  /** Anomalies the scenario is built to provoke; whether they showed is in `check`. */
  expected?: string[];
  /** What the run could not do as planned: skipped faults, incomplete recovery or final read. */
  notes?: string[];
  /**
   * The final read: whether it reached the end of every partition (only then is a record it did not
   * return a lost one), how many values the producers had acknowledged, and how many of those it
   * did not return.
   */
  finalRead?: { complete: boolean; acknowledged: number; missing: number };
  /** When the check failed and shrinking ran: the smallest schedule that still fails. */
  shrunk?: {
    schedule: ScheduledFault[];
    workload?: WorkloadPlan;
    history: string;
    check: CheckResult;
    runs: number;
    durationMs: number;
  };
}

export interface SpecResult {
  name: string;
  /** The guarantee in one sentence, and its source (the seed notes, Kafka's documentation). */
  guarantee: string;
  source: string;
  status: Status;
  skipReason?: string;
  /** When the spec began (ISO 8601): reports place it on the run's time line. */
  startedAt?: string;
  durationMs: number;
  seed: number;
  numRuns: number;
  /** fast-check's minimal counterexample, printed readably, when the property failed. */
  counterexample?: string;
  /** fast-check's path to the counterexample: with the seed, replays exactly that failing run. */
  path?: string;
  error?: string;
}

/** Where a cell of the guarantee matrix sits: producer acks, topic configuration, fault. */
export interface MatrixCellKey {
  acks: "0" | "1" | "all";
  minInsyncReplicas: number;
  uncleanElection: boolean;
  fault: "none" | "leader-kill" | "leader-isolation" | "follower-pause" | "n-1-loss";
}

/** A cell's documented prediction, and why, in one sentence. */
export interface MatrixPrediction extends MatrixCellKey {
  /** What Kafka's documentation predicts: "no-loss" or "loss-possible". */
  predicted: "no-loss" | "loss-possible";
  reason: string;
}

/** One cell of the guarantee matrix: documented prediction next to what the target did. */
export interface MatrixCell extends MatrixCellKey {
  predicted: MatrixPrediction["predicted"];
  /** Why the documentation predicts that. */
  reason?: string;
  /** What was observed: lost acknowledged writes or not; "not-run" with the reason. */
  observed: "no-loss" | "loss" | "unknown" | "not-run";
  lostWrites?: number;
  note?: string;
  scenario?: string;
}

export interface RunResult {
  "kconform-run": typeof RUN_RESULT_VERSION;
  runId: string;
  startedAt: string;
  durationMs: number;
  /** The command line that replays this run (with its seed). */
  replay: string;
  seed: number;
  target: {
    kind: TargetKind;
    bootstrap: string[];
    nodes: number;
    brokerVersion?: string;
    clients: Record<string, string>;
    config: Record<string, string>;
  };
  status: Status;
  exitCode: 0 | 1 | 2;
  specs: SpecResult[];
  scenarios: ScenarioResult[];
  matrix?: MatrixCell[];
  /** What the run as a whole wants the reader to know (faults impossible on this target, ...). */
  notes?: string[];
}
