// Shrinking as the runner drives it: the original run comes first, failures shrink toward the
// smallest plan that still shows one of the original's disallowed anomalies, the budget is
// respected, and a run that cannot happen is an error rather than a counterexample.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkHistory } from "../checker/catalogue.ts";
import type { CheckResult } from "../checker/anomalies.ts";
import { disallowedTypes, reproduces, runAndShrink } from "./shrink.ts";

function checkWith(types: string[], allowed: string[] = []): CheckResult {
  return { ...checkHistory([]), valid: types.some((t) => !allowed.includes(t)) ? false : true, "anomaly-types": types as CheckResult["anomaly-types"], allowed };
}

describe("disallowed anomalies", () => {
  it("are the found types the allowed set does not accept; a candidate reproduces when it shares one", () => {
    const original = checkWith(["lost-write", "duplicate"], ["duplicate"]);
    expect(disallowedTypes(original)).toEqual(["lost-write"]);
    expect(reproduces(original, checkWith(["lost-write"]))).toBe(true);
    expect(reproduces(original, checkWith(["duplicate"]))).toBe(false);
    expect(reproduces(original, checkWith(["unseen"]))).toBe(false);
  });
});

describe("runAndShrink", () => {
  // A "run" fails with lost-write whenever the plan holds a number above 50.
  const run = async (plan: number[]) => ({ plan, check: checkWith(plan.some((n) => n > 50) ? ["lost-write"] : []) });
  const arbitrary = fc.array(fc.nat({ max: 100 }), { minLength: 5, maxLength: 20 });

  it("runs the seed's plan first and shrinks a failure to a minimal one", async () => {
    const seed = [...Array(50).keys()].find((s) => (fc.sample(arbitrary, { seed: s, numRuns: 1 })[0] ?? []).some((n) => n > 50)) ?? 0;
    const outcome = await runAndShrink(arbitrary, run, { seed, shrinkTimeMs: 10_000 });
    expect(outcome.original.plan.some((n) => n > 50)).toBe(true);
    expect([...(outcome.minimal?.plan ?? [])].sort((a, b) => a - b)).toEqual([0, 0, 0, 0, 51]);
    expect(outcome.runs).toBeGreaterThan(0);
  });

  it("does not shrink a passing run", async () => {
    const outcome = await runAndShrink(fc.array(fc.nat({ max: 50 }), { minLength: 1 }), run, { seed: 1, shrinkTimeMs: 10_000 });
    expect(outcome.minimal).toBeUndefined();
    expect(outcome.runs).toBe(0);
  });

  it("stops shrinking when the budget is spent", async () => {
    let clock = 0;
    let calls = 0;
    const slow = async (plan: number[]) => {
      calls++;
      clock += 1_000;
      return run(plan);
    };
    const seed = [...Array(50).keys()].find((s) => (fc.sample(arbitrary, { seed: s, numRuns: 1 })[0] ?? []).some((n) => n > 50)) ?? 0;
    const outcome = await runAndShrink(arbitrary, slow, { seed, shrinkTimeMs: 3_500, now: () => clock });
    expect(outcome.runs).toBeLessThanOrEqual(4);
    expect(calls).toBe(outcome.runs + 1);
  });

  it("rethrows when the original run cannot happen, without shrinking", async () => {
    let calls = 0;
    const broken = async (): Promise<never> => {
      calls++;
      throw new Error("no cluster");
    };
    await expect(runAndShrink(arbitrary, broken, { seed: 3, shrinkTimeMs: 10_000 })).rejects.toThrow("no cluster");
    expect(calls).toBe(1);
  });
});
