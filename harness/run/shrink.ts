// Runs a plan as a fast-check property — "this run's history is valid" — so that when it fails,
// fast-check shrinks the workload and the fault schedule toward a smaller run that still shows
// one of the original's disallowed anomalies. Every candidate is a real run against the cluster,
// so shrinking is time-boxed: once the budget is spent, the remaining candidates count as passing
// and fast-check stops at the smallest failure found so far.
import fc from "fast-check";
import type { CheckResult } from "../checker/anomalies.ts";

/** The anomaly types of a result that its allowed set does not accept. */
export function disallowedTypes(check: CheckResult): string[] {
  const allowed = new Set(check.allowed);
  return check["anomaly-types"].filter((type) => !allowed.has(type));
}

/** Whether `candidate` reproduces the failure: one of the original's disallowed anomalies again. */
export function reproduces(original: CheckResult, candidate: CheckResult): boolean {
  const wanted = new Set(disallowedTypes(original));
  return disallowedTypes(candidate).some((type) => wanted.has(type));
}

export interface Attempt<T> {
  plan: T;
  check: CheckResult;
}

export interface ShrinkOutcome<T, A extends Attempt<T>> {
  original: A;
  /** The smallest run that still failed, when the original failed and a smaller one was found. */
  minimal?: A;
  /** Candidate runs made while shrinking. */
  runs: number;
  durationMs: number;
}

export interface ShrinkOptions {
  seed: number;
  /** Budget for shrinking, after the original run; 0 disables it. */
  shrinkTimeMs: number;
  now?: () => number;
}

/**
 * Runs the plan `arbitrary` draws first for `seed` (the original), and, when its check fails,
 * shrinks within the budget. `run` must not throw for candidates it cannot judge; the original's
 * errors propagate.
 */
export async function runAndShrink<T, A extends Attempt<T>>(arbitrary: fc.Arbitrary<T>, run: (plan: T, attempt: number) => Promise<A>, options: ShrinkOptions): Promise<ShrinkOutcome<T, A>> {
  const now = options.now ?? (() => performance.now());
  let original: A | undefined;
  let minimal: A | undefined;
  let runs = 0;
  let deadline = Infinity;
  let shrinkStarted = 0;
  let failedToRun: { error: unknown } | undefined;
  await fc.check(
    fc.asyncProperty(arbitrary, async (plan) => {
      if (failedToRun !== undefined) return true;
      if (original === undefined) {
        try {
          original = await run(plan, 0);
        } catch (error) {
          // Not a counterexample: the run could not happen. Passing stops fast-check; we rethrow below.
          failedToRun = { error };
          return true;
        }
        shrinkStarted = now();
        deadline = shrinkStarted + options.shrinkTimeMs;
        return disallowedTypes(original.check).length === 0;
      }
      if (now() >= deadline) return true;
      runs++;
      let attempt: A;
      try {
        attempt = await run(plan, runs);
      } catch {
        return true;
      }
      if (!reproduces(original.check, attempt.check)) return true;
      minimal = attempt;
      return false;
    }),
    { seed: options.seed, numRuns: 1, endOnFailure: options.shrinkTimeMs <= 0 },
  );
  if (failedToRun !== undefined) throw failedToRun.error;
  if (original === undefined) throw new Error(`fast-check ran no plan for seed ${options.seed}`);
  return { original, ...(minimal !== undefined ? { minimal } : {}), runs, durationMs: runs === 0 ? 0 : now() - shrinkStarted };
}
