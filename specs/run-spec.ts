// Runs specs against a target: each property under its seed and time budget, folded into the
// SpecResult that results.json and the reports show; and the Vitest-facing assertSpec, which
// throws fast-check's own report (seed, path, counterexample) when the target breaks a guarantee.
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { CouldNotRunError, KconformError } from "../harness/errors.ts";
import type { SpecResult } from "../harness/run/result.ts";
import { SpecSetupError, withAdmin } from "./kit/clients.ts";
import { destructiveRunsSettled } from "./kit/destructive.ts";
import type { Spec, SpecContext, SpecTarget } from "./spec.ts";

export interface SpecRunOptions {
  /** fast-check's seed; `--seed` on the command line replays a run. */
  seed: number;
  /** Overrides the spec's own number of runs (e.g. a quick smoke pass). */
  numRuns?: number;
  say?: (message: string) => void;
  /** How to tell the target answers at all (default: DescribeCluster); a rejection makes the spec unknown. */
  probe?: (target: SpecTarget) => Promise<unknown>;
}

const describeCluster = (target: SpecTarget) => withAdmin(target, (admin) => admin.describeCluster());

/** A target broke a spec's guarantee; the message is fast-check's report with seed and counterexample. */
export class SpecFailedError extends KconformError {}

/** Ends a name with a token of this process, so runs never meet each other's topics or groups. */
function uniqueNamer(spec: Spec): (label: string) => string {
  const run = randomBytes(3).toString("hex");
  let next = 0;
  return (label) => `kconform-${spec.name}-${label}-${run}-${next++}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runSpec(spec: Spec, target: SpecTarget, options: SpecRunOptions): Promise<SpecResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const numRuns = options.numRuns ?? spec.numRuns;
  const base = { name: spec.name, guarantee: spec.guarantee, source: spec.source, seed: options.seed, numRuns, startedAt };
  const unavailable = await spec.unavailable?.(target);
  if (unavailable !== undefined) return { ...base, status: "skipped", skipReason: unavailable, durationMs: 0 };
  // A cluster that does not answer says nothing about any guarantee: unknown, never failed.
  const unreachable = await (options.probe ?? describeCluster)(target).then(
    () => undefined,
    (error: unknown) => messageOf(error),
  );
  if (unreachable !== undefined) return { ...base, status: "unknown", durationMs: Math.round(performance.now() - started), error: `could not reach the target (${target.access.bootstrap.join(",")}): ${unreachable}` };
  const say = options.say ?? (() => undefined);
  const context: SpecContext = { target, unique: uniqueNamer(spec), say };
  const details = await fc.check(spec.property(context), {
    seed: options.seed,
    numRuns,
    interruptAfterTimeLimit: spec.timeLimitMs,
    markInterruptAsFailure: false,
  });
  // A run fast-check interrupted goes on in the background; whatever comes next needs the cluster whole.
  await destructiveRunsSettled();
  const durationMs = Math.round(performance.now() - started);
  if (!details.failed) {
    // Interrupted before a single run completed: nothing was shown either way.
    if (details.interrupted && details.numRuns === 0) return { ...base, status: "unknown", durationMs, error: `no run finished within the spec's ${spec.timeLimitMs} ms` };
    return { ...base, status: "passed", durationMs, numRuns: details.numRuns };
  }
  const error = details.errorInstance;
  // A setup that could not happen (topic never served, read never completed) says nothing about the guarantee.
  const status = error instanceof SpecSetupError ? "unknown" : "failed";
  return {
    ...base,
    status,
    durationMs,
    numRuns: details.numRuns,
    counterexample: fc.stringify(details.counterexample),
    path: details.counterexamplePath ?? undefined,
    error: messageOf(error),
  };
}

/** Specs that share the cluster run this many at a time unless told otherwise. */
export const DEFAULT_SPEC_CONCURRENCY = 4;

export interface SpecsRunOptions extends SpecRunOptions {
  /** Specs that share the cluster run this many at a time (1: one after the other). */
  concurrency?: number;
  /** Called as each spec starts (no result) and ends (its result). */
  onSpec?: (spec: Spec, result?: SpecResult) => void;
}

/**
 * Every spec against the same target; results in the catalogue's order. Specs that share the
 * cluster run side by side (each on topics and groups of its own), up to `concurrency` at once;
 * an exclusive spec waits for everything before it and runs alone.
 */
export async function runSpecs(specs: readonly Spec[], target: SpecTarget, options: SpecsRunOptions): Promise<SpecResult[]> {
  const concurrency = options.concurrency ?? DEFAULT_SPEC_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new CouldNotRunError(`spec concurrency must be a whole number of at least 1, not ${concurrency}`, "bad-spec-concurrency", { concurrency });
  const results: SpecResult[] = new Array(specs.length);
  const runOne = async (index: number) => {
    const spec = specs[index];
    options.onSpec?.(spec);
    results[index] = await runSpec(spec, target, options);
    options.onSpec?.(spec, results[index]);
  };
  let shared: number[] = [];
  const runShared = async () => {
    const queue = shared;
    shared = [];
    const lane = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await runOne(next);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, lane));
  };
  for (const [index, spec] of specs.entries()) {
    if (!spec.exclusive) {
      shared.push(index);
      continue;
    }
    await runShared();
    await runOne(index);
  }
  await runShared();
  return results;
}

/**
 * For a user's own test suite: `test(spec.name, () => assertSpec(spec, target), spec.timeLimitMs + 30_000)`.
 * Resolves when the guarantee held (or the spec cannot apply to this target), throws otherwise.
 */
export async function assertSpec(spec: Spec, target: SpecTarget, options: Partial<SpecRunOptions> = {}): Promise<SpecResult> {
  const seed = options.seed ?? randomBytes(4).readUInt32BE() >>> 1;
  const result = await runSpec(spec, target, { ...options, seed });
  if (result.status === "failed" || result.status === "unknown") {
    const where = result.counterexample !== undefined ? `\ncounterexample: ${result.counterexample}` : "";
    throw new SpecFailedError(`${spec.name} ${result.status}: ${result.error ?? "no run completed"}\nseed ${seed}${result.path !== undefined ? `, path "${result.path}"` : ""}${where}`, `spec-${result.status}`, { spec: spec.name, seed });
  }
  return result;
}
