// runSpec's verdicts: passed, failed with a replayable counterexample, unknown when setup failed
// or nothing finished, skipped when the target cannot host the spec.
import fc from "fast-check";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { CouldNotRunError } from "../harness/errors.ts";
import type { Cluster } from "../harness/targets/target.ts";
import { SpecSetupError } from "./kit/clients.ts";
import { assertSpec, runSpec, runSpecs, SpecFailedError } from "./run-spec.ts";
import { needsOwnedBrokers, specTargetOf, type Spec } from "./spec.ts";

const cluster: Cluster = { target: "external", bootstrap: ["127.0.0.1:9"], nodes: [], owned: false, security: {}, stop: async () => undefined };
const target = specTargetOf(cluster);
// These specs never talk to the cluster; the probe says it answers.
const reachable = async () => undefined;

function spec(property: Spec["property"], extra: Partial<Spec> = {}): Spec {
  return { name: "example", guarantee: "g", source: "s", numRuns: 20, timeLimitMs: 10_000, property, ...extra };
}

describe("runSpec", () => {
  it("passes when the property holds for every run", async () => {
    const result = await runSpec(spec(() => fc.asyncProperty(fc.nat(), async (n) => { expect(n).toBeGreaterThanOrEqual(0); })), target, { seed: 1, probe: reachable });
    expect(result).toMatchObject({ status: "passed", numRuns: 20, seed: 1 });
    expect(result.startedAt).toMatch(/^\d{4}-/);
  });

  it("fails with the shrunk counterexample, and the same seed fails the same way", async () => {
    const failing = spec(() =>
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 100 })), async (values) => {
        if (values.some((v) => v > 50)) throw new Error(`value above 50 in ${values.join(",")}`);
      }),
    );
    const first = await runSpec(failing, target, { seed: 42, probe: reachable });
    const again = await runSpec(failing, target, { seed: 42, probe: reachable });
    expect(first.status).toBe("failed");
    expect(first.counterexample).toBe("[[51]]");
    expect(first.error).toContain("value above 50");
    expect(again.counterexample).toBe(first.counterexample);
    expect(again.path).toBe(first.path);
  });

  it("is unknown when the spec could not set up what it needs", async () => {
    const result = await runSpec(spec(() => fc.asyncProperty(fc.nat(), async () => { throw new SpecSetupError("topic never served", "topic-not-served"); })), target, { seed: 3, probe: reachable });
    expect(result.status).toBe("unknown");
    expect(result.error).toBe("topic never served");
  });

  it("is skipped with the reason when the target cannot host it", async () => {
    const destructive = spec(() => fc.asyncProperty(fc.nat(), async () => undefined), { unavailable: (t) => needsOwnedBrokers(t, 3, "killing a leader") });
    const result = await runSpec(destructive, target, { seed: 4, probe: reachable });
    expect(result).toMatchObject({ status: "skipped", durationMs: 0 });
    expect(result.skipReason).toContain("not a cluster kconform started");
  });
});

it("is unknown, naming the target, when the cluster does not answer: no verdict on the guarantee", async () => {
  const never = spec(() => fc.asyncProperty(fc.nat(), async () => { throw new Error("must not run"); }));
  const result = await runSpec(never, target, { seed: 5, probe: async () => { throw new Error("connect ECONNREFUSED 127.0.0.1:9"); } });
  expect(result.status).toBe("unknown");
  expect(result.error).toBe("could not reach the target (127.0.0.1:9): connect ECONNREFUSED 127.0.0.1:9");
});

describe("assertSpec", () => {
  it("throws fast-check's counterexample and the seed to replay it", async () => {
    const failing = spec(() => fc.asyncProperty(fc.nat(), async (n) => { if (n > 10) throw new Error("too big"); }));
    await expect(assertSpec(failing, target, { seed: 7, probe: reachable })).rejects.toThrow(SpecFailedError);
    await expect(assertSpec(failing, target, { seed: 7, probe: reachable })).rejects.toThrow(/seed 7.*\n?.*counterexample: \[11\]/s);
  });
});

describe("runSpecs", () => {
  /** Specs that record which others were running while they ran; each takes a few milliseconds. */
  function observed(shape: readonly boolean[]) {
    const running = new Set<string>();
    const overlaps = new Map<string, Set<string>>();
    let most = 0;
    const catalogue = shape.map((exclusive, i): Spec => {
      const name = `spec-${i}`;
      const property = () =>
        fc.asyncProperty(fc.constant(0), async () => {
          running.add(name);
          most = Math.max(most, running.size);
          const seen = overlaps.get(name) ?? new Set<string>();
          overlaps.set(name, seen);
          const note = () => running.forEach((other) => other !== name && seen.add(other));
          note();
          await sleep(5 + ((i * 7) % 11));
          note();
          running.delete(name);
        });
      return spec(property, { name, numRuns: 2, exclusive });
    });
    return { catalogue, overlaps, most: () => most };
  }

  it("runs shared specs side by side up to the concurrency, exclusive ones alone, results in catalogue order", async () => {
    const shape = [false, false, false, true, false, false, false, false, false, true, false];
    const { catalogue, overlaps, most } = observed(shape);
    const results = await runSpecs(catalogue, target, { seed: 9, probe: reachable, concurrency: 3 });
    expect(results.map((r) => r.name)).toEqual(catalogue.map((s) => s.name));
    expect(results.every((r) => r.status === "passed")).toBe(true);
    expect(most()).toBe(3);
    for (const [i, exclusive] of shape.entries()) if (exclusive) expect(overlaps.get(`spec-${i}`) ?? new Set()).toEqual(new Set());
    // Nothing from before an exclusive spec overlaps anything after it.
    for (const [name, others] of overlaps) for (const other of others) expect(Number(name.split("-")[1]) < 3).toBe(Number(other.split("-")[1]) < 3);
  });

  it("runs one after the other with concurrency 1, and refuses a concurrency below 1", async () => {
    const { catalogue, most } = observed([false, false, false]);
    await runSpecs(catalogue, target, { seed: 9, probe: reachable, concurrency: 1 });
    expect(most()).toBe(1);
    await expect(runSpecs(catalogue, target, { seed: 9, probe: reachable, concurrency: 0 })).rejects.toThrow(CouldNotRunError);
  });
});
