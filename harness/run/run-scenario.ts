// One scenario from seed to result: decide whether this cluster can run it, run the plan the
// seed draws, and when the check fails shrink it within the budget, keeping the original and the
// minimal failing run side by side.
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { checkHistory } from "../checker/catalogue.ts";
import type { RunPlan } from "../generator/plan.ts";
import { faultPackage } from "../nemesis/catalogue.ts";
import type { Capabilities } from "../nemesis/fault.ts";
import { executePlan, type Execution, type RunEnvironment } from "./execute.ts";
import type { ScenarioResult, Status } from "./result.ts";
import { planArbitrary, scenarioConfig, type Scenario } from "./scenario.ts";
import { finalReadProblem } from "./final-read-loss.ts";
import { runAndShrink, type Attempt } from "./shrink.ts";

export interface ScenarioRunOptions {
  seed: number;
  /** Overrides the scenario's own time limit. */
  timeLimitMs?: number;
  shrinkTimeMs: number;
  outDir: string;
  /** Brokers the cluster has. */
  brokers: number;
}

interface ScenarioAttempt extends Attempt<RunPlan> {
  execution: Execution;
  historyPath: string;
}

/** Why this cluster cannot run the scenario at all, or undefined. */
export function skipReason(scenario: Scenario, env: Capabilities, brokers: number): string | undefined {
  if (brokers < scenario.nodes) return `needs ${scenario.nodes} brokers, the target has ${brokers}`;
  if (brokers < scenario.topic.replicationFactor) return `needs replication factor ${scenario.topic.replicationFactor}, the target has ${brokers} brokers`;
  const topology = scenario.unavailable?.(env.cluster);
  if (topology !== undefined) return topology;
  if (scenario.faults.faults.min === 0) return undefined;
  const reasons = scenario.faults.choices.map((choice) => {
    const fault = faultPackage(choice.fault);
    if (fault === undefined) return `${choice.fault}: no such fault`;
    const why = fault.unavailable(env);
    return why === undefined ? undefined : `${choice.fault}: ${why}`;
  });
  return reasons.every((reason) => reason !== undefined) ? `none of its faults can run here (${reasons.join("; ")})` : undefined;
}

export function statusOf(valid: true | false | "unknown"): Status {
  return valid === true ? "passed" : valid === false ? "failed" : "unknown";
}

/** A topic name per attempt: unique on a shared cluster, never ending in "-<digits>" (that reads as a partition). */
export function topicName(scenario: string, runTag: string, attempt: number): string {
  return `kc-${scenario}-${runTag}-a${attempt}`.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 200);
}

export async function runScenario(env: RunEnvironment, scenario: Scenario, options: ScenarioRunOptions): Promise<ScenarioResult> {
  const timeLimitMs = options.timeLimitMs ?? scenario.timeLimitMs;
  const dir = join(options.outDir, scenario.name);
  const base = {
    name: scenario.name,
    startedAt: new Date().toISOString(),
    description: scenario.description,
    guarantee: scenario.guarantee,
    source: scenario.source,
    config: scenarioConfig(scenario),
    allowed: [...scenario.allowed],
    seed: options.seed,
    ...(scenario.expected !== undefined ? { expected: [...scenario.expected] } : {}),
  };
  const reason = skipReason(scenario, env, options.brokers);
  if (reason !== undefined) {
    return { ...base, status: "skipped", skipReason: reason, history: "", operations: 0, durationMs: 0, faults: [], schedule: [], check: emptyCheck(`not run: ${reason}`) };
  }
  await mkdir(dir, { recursive: true });
  const runTag = randomBytes(3).toString("hex");
  const arbitrary = planArbitrary(scenario, timeLimitMs);
  const run = async (plan: RunPlan, attempt: number): Promise<ScenarioAttempt> => {
    const historyPath = join(dir, attempt === 0 ? "history.jsonl" : `shrink-${attempt}.jsonl`);
    await rm(historyPath, { force: true });
    const execution = await executePlan(env, { scenario, plan, seed: options.seed, timeLimitMs, topic: topicName(scenario.name, runTag, attempt), historyPath });
    return { plan, check: execution.check, execution, historyPath };
  };
  let outcome: Awaited<ReturnType<typeof runAndShrink<RunPlan, ScenarioAttempt>>>;
  try {
    outcome = await runAndShrink(arbitrary, run, { seed: options.seed, shrinkTimeMs: options.shrinkTimeMs });
  } catch (error) {
    // The run could not happen on this cluster (topic never created, cluster unreachable): that
    // decides nothing about the guarantee, and the scenarios after it may still run.
    const reason = `could not run: ${error instanceof Error ? error.message : String(error)}`;
    return { ...base, status: "unknown", history: "", operations: 0, durationMs: 0, faults: [], schedule: [], check: emptyCheck(reason), notes: [reason] };
  }
  const { original, minimal } = outcome;
  // Keep the original's and the minimal failing run's histories; the other candidates' go.
  for (let attempt = 1; attempt <= outcome.runs; attempt++) {
    const path = join(dir, `shrink-${attempt}.jsonl`);
    if (path !== minimal?.historyPath) await rm(path, { force: true });
  }
  const notes = [...original.execution.notes];
  // The checker proves loss from reads past a record; a record some consumer read before the log
  // lost it, or the lost tail of a log, shows only as its absence from the complete final read.
  const missing = finalReadProblem(scenario.allowed, original.execution.readComplete, original.execution.finalReadLoss);
  if (missing !== undefined) notes.push(missing);
  const expected = scenario.expected ?? [];
  const missingExpected = expected.filter((type) => !original.check["anomaly-types"].includes(type as never));
  if (missingExpected.length > 0) notes.push(`expected ${missingExpected.join(", ")} but the run did not show it; a longer run or another seed may`);
  return {
    ...base,
    status: missing !== undefined ? "failed" : statusOf(original.check.valid),
    history: relative(options.outDir, original.historyPath),
    operations: original.execution.operations,
    durationMs: Math.round(original.execution.durationMs),
    faults: original.execution.faults,
    schedule: original.plan.schedule,
    workload: original.plan.workload,
    check: original.check,
    ...(notes.length > 0 ? { notes } : {}),
    finalRead: { complete: original.execution.readComplete, ...original.execution.finalReadLoss },
    ...(minimal !== undefined
      ? {
          shrunk: {
            schedule: minimal.plan.schedule,
            workload: minimal.plan.workload,
            history: relative(options.outDir, minimal.historyPath),
            check: minimal.check,
            runs: outcome.runs,
            durationMs: Math.round(outcome.durationMs),
          },
        }
      : {}),
  };
}

/** The check of a scenario that did not run: an empty history's, unknown with the reason. */
function emptyCheck(reason: string): ScenarioResult["check"] {
  return { ...checkHistory([]), valid: "unknown", "unknown-reasons": [reason] };
}
