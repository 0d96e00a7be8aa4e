// What a generated run is, as plain data: the workers with their operation patterns and rates,
// and the fault schedule. Values are not part of the plan; the runner numbers records as it sends
// them. A plan is JSON, printed in reports, and the same seed always generates the same plan.
import type { ScheduledFault } from "../run/result.ts";

/** One record of a send operation: a key by its number ("k3"), or none; a partition, or the partitioner's choice. */
export interface SendShape {
  key: number | null;
  partition?: number;
}

export interface ProducerPlan {
  process: number;
  ratePerSecond: number;
  /** Send operations cycled through: each is the records of one produce call. */
  pattern: SendShape[][];
}

export type ConsumerMembership =
  | { mode: "assign"; partitions: number[]; seekToBeginning: boolean }
  /** Group number n is the consumer group `<topic>-g<n>`. */
  | { mode: "subscribe"; group: number };

export type ConsumerStep = "poll" | "commit";

export interface ConsumerPlan {
  process: number;
  ratePerSecond: number;
  membership: ConsumerMembership;
  /** Operations cycled through after the membership operation. */
  pattern: ConsumerStep[];
}

export interface WorkloadPlan {
  producers: ProducerPlan[];
  consumers: ConsumerPlan[];
}

export interface RunPlan {
  workload: WorkloadPlan;
  schedule: ScheduledFault[];
}

/** The key a shape names: "k3". */
export function keyName(key: number): string {
  return `k${key}`;
}

/** How many operations the plan has its workers do per second, all together. */
export function plannedRate(plan: WorkloadPlan): number {
  return [...plan.producers, ...plan.consumers].reduce((sum, worker) => sum + worker.ratePerSecond, 0);
}

/** A one-line summary for progress lines and reports. */
export function describePlan(plan: RunPlan): string {
  const { producers, consumers } = plan.workload;
  const faults = plan.schedule.map((f) => `${f.fault}@${(f.atMs / 1000).toFixed(1)}s→${f.target}`).join(", ");
  return `${producers.length} producers, ${consumers.length} consumers, ${plannedRate(plan.workload)} ops/s; faults: ${faults || "none"}`;
}
