// A whole `kconform run`: the conformance specs, then every chosen scenario in turn against one
// cluster, folded into the RunResult the reports are rendered from — with the guarantee matrix
// read off its cells' scenarios, and the verdict and exit code a CI gate reads.
import { randomBytes } from "node:crypto";
import type { TargetKind } from "../targets/target.ts";
import type { RunEnvironment } from "./execute.ts";
import { matrixCellOf } from "./matrix.ts";
import { RUN_RESULT_VERSION, type MatrixCell, type RunResult, type ScenarioResult, type SpecResult, type Status } from "./result.ts";
import { runScenario } from "./run-scenario.ts";
import type { Scenario } from "./scenario.ts";

export interface RunOptions {
  seed: number;
  timeLimitMs?: number;
  shrinkTimeMs: number;
  outDir: string;
  /** The command line that replays this run. */
  replay: string;
  brokers: number;
  target: { kind: TargetKind; brokerVersion?: string; config?: Record<string, string> };
  notes?: string[];
  /** Called as each scenario starts (1-based index) and ends. */
  onScenario?: (event: { scenario: Scenario; index: number; total: number; result?: ScenarioResult }) => void;
}

/** What one run runs: the specs (run by the caller, which knows the catalogue) and the scenarios. */
export interface Suite {
  /** Runs the conformance specs against the environment's cluster, before any scenario. */
  specs?: (env: RunEnvironment) => Promise<SpecResult[]>;
  scenarios: readonly Scenario[];
}

/**
 * Over every spec and scenario: failed when any found a disallowed anomaly or broke its property
 * (exit 1); unknown when one could not be decided, or nothing ran at all (exit 2: a gate must not
 * pass it); passed otherwise (exit 0).
 */
export function verdictOfRun(results: readonly Pick<ScenarioResult | SpecResult, "status">[]): { status: Status; exitCode: 0 | 1 | 2 } {
  if (results.some((s) => s.status === "failed")) return { status: "failed", exitCode: 1 };
  if (results.some((s) => s.status === "unknown")) return { status: "unknown", exitCode: 2 };
  if (results.every((s) => s.status === "skipped")) return { status: "skipped", exitCode: 2 };
  return { status: "passed", exitCode: 0 };
}

/** The matrix cells among the scenarios that ran, each beside its scenario's observation. */
export function matrixOf(scenarios: readonly Scenario[], results: readonly ScenarioResult[]): MatrixCell[] {
  return scenarios.flatMap((scenario, i) => (scenario.matrix !== undefined && results[i] !== undefined ? [matrixCellOf(scenario.matrix, results[i])] : []));
}

export async function runSuite(env: RunEnvironment, suite: Suite, options: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const started = performance.now();
  const specs = suite.specs !== undefined ? await suite.specs(env) : [];
  const results: ScenarioResult[] = [];
  for (const [i, scenario] of suite.scenarios.entries()) {
    options.onScenario?.({ scenario, index: i + 1, total: suite.scenarios.length });
    const result = await runScenario(env, scenario, {
      seed: options.seed,
      ...(options.timeLimitMs !== undefined ? { timeLimitMs: options.timeLimitMs } : {}),
      shrinkTimeMs: options.shrinkTimeMs,
      outDir: options.outDir,
      brokers: options.brokers,
    });
    results.push(result);
    options.onScenario?.({ scenario, index: i + 1, total: suite.scenarios.length, result });
  }
  const { status, exitCode } = verdictOfRun([...specs, ...results]);
  const matrix = matrixOf(suite.scenarios, results);
  return {
    "kconform-run": RUN_RESULT_VERSION,
    runId: `${startedAt.toISOString().replace(/[-:.]/g, "").slice(0, 15)}-${randomBytes(3).toString("hex")}`,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    replay: options.replay,
    seed: options.seed,
    target: {
      kind: options.target.kind,
      bootstrap: [...env.cluster.bootstrap],
      nodes: options.brokers,
      ...(options.target.brokerVersion !== undefined ? { brokerVersion: options.target.brokerVersion } : {}),
      clients: { [env.clients.library.split(" ")[0]]: env.clients.library.split(" ").slice(1).join(" ") },
      config: options.target.config ?? {},
    },
    status,
    exitCode,
    specs,
    scenarios: results,
    ...(matrix.length > 0 ? { matrix } : {}),
    ...(options.notes !== undefined && options.notes.length > 0 ? { notes: options.notes } : {}),
  };
}
