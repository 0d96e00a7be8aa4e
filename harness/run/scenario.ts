// What a scenario is: a workload, a fault schedule, the topic and client configuration, and the
// anomalies its guarantee level allows. Scenarios are data (one per file under scenarios/); the
// runner turns one into a fast-check arbitrary of run plans.
import type fc from "fast-check";
import type { AnomalyType } from "../checker/anomalies.ts";
import type { ClientTimeouts, ConsumerSettings, ProducerSettings } from "../clients/settings.ts";
import type { FaultChoice } from "../generator/fault-schedule.ts";
import type { RunPlan } from "../generator/plan.ts";
import { runPlanArbitrary } from "../generator/run-plan.ts";
import { DEFAULT_WORKLOAD, type Range, type WorkloadOptions } from "../generator/workload-mix.ts";
import type { Cluster } from "../targets/target.ts";
import type { MatrixPrediction } from "./result.ts";

export interface ScenarioFaults {
  choices: FaultChoice[];
  faults: Range;
  gapMs: Range;
  /** The end of the run stays fault-free this long. */
  quietTailMs: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** The documented guarantee, in one sentence, and where Kafka promises it. */
  guarantee: string;
  source: string;
  /** Brokers the scenario needs (replication factor and the faults' targets depend on it). */
  nodes: number;
  topic: { partitions: number; replicationFactor: number; config: Record<string, string> };
  producer: ProducerSettings;
  consumer: ConsumerSettings;
  timeouts?: Partial<ClientTimeouts>;
  /** Overrides of the default workload mix; the partition count comes from `topic`. */
  workload?: Partial<Omit<WorkloadOptions, "partitions">>;
  faults: ScenarioFaults;
  /** Anomalies this guarantee level accepts (Jepsen's defaults are added by the checker). */
  allowed: AnomalyType[];
  /** Anomalies the scenario is built to provoke: the report says whether they showed up. */
  expected?: AnomalyType[];
  /** Default time limit when the command line gives none. */
  timeLimitMs: number;
  /** The guarantee-matrix cell this scenario stands for, with its documented prediction. */
  matrix?: MatrixPrediction;
  /** Why this cluster cannot run the scenario beyond size and fault availability (its topology), or undefined. */
  unavailable?(cluster: Cluster): string | undefined;
}

export function workloadOptionsOf(scenario: Scenario): WorkloadOptions {
  return { ...DEFAULT_WORKLOAD, ...scenario.workload, partitions: scenario.topic.partitions };
}

export function planArbitrary(scenario: Scenario, timeLimitMs: number): fc.Arbitrary<RunPlan> {
  return runPlanArbitrary(workloadOptionsOf(scenario), { ...scenario.faults, timeLimitMs });
}

/** The configuration a report shows next to the verdict. */
export function scenarioConfig(scenario: Scenario): Record<string, string | number | boolean> {
  const { producer, consumer, topic } = scenario;
  return {
    acks: String(producer.acks),
    "enable.idempotence": producer.idempotent,
    retries: producer.retries,
    "max.in.flight.requests.per.connection": producer.maxInFlight,
    "enable.auto.commit": consumer.autoCommit,
    partitions: topic.partitions,
    "replication.factor": topic.replicationFactor,
    ...topic.config,
  };
}
