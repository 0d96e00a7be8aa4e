// The catalogue's own rules: one spec per guarantee, each named, stated and sourced (the seed
// notes or Kafka's documentation), with a run budget a 60 s catalogue can afford.
import { describe, expect, it } from "vitest";
import type { Cluster } from "../harness/targets/target.ts";
import { specByName, specs } from "./index.ts";
import { specTargetOf } from "./spec.ts";

describe("the spec catalogue", () => {
  it("names every spec once, in kebab-case", () => {
    const names = specs.map((spec) => spec.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const name of names) expect(specByName(name)?.name).toBe(name);
  });

  it.each(specs.map((spec) => [spec.name, spec] as const))("%s states its guarantee and cites where Kafka promises it", (_, spec) => {
    expect(spec.guarantee.length).toBeGreaterThan(20);
    expect(spec.source).toMatch(/kafka-notes|kafka\.apache\.org|KIP-/);
    expect(spec.numRuns).toBeGreaterThan(0);
    expect(spec.timeLimitMs).toBeGreaterThan(0);
  });

  it("runs every spec that breaks brokers alone: a spec that refuses a cluster kconform does not own is exclusive", async () => {
    const external: Cluster = { target: "external", bootstrap: ["127.0.0.1:9"], nodes: [], owned: false, security: {}, stop: async () => undefined };
    const breakers = [];
    // Specs that ask the cluster before deciding cannot reach this one: they do not refuse it for being unowned.
    const reasonOf = async (spec: (typeof specs)[number]) => (await Promise.resolve(spec.unavailable?.(specTargetOf(external))).catch(() => undefined)) ?? "";
    for (const spec of specs) if (/kill|pause|wipe/.test(await reasonOf(spec))) breakers.push(spec.name);
    expect(breakers.length).toBeGreaterThanOrEqual(5);
    expect(specs.filter((spec) => spec.exclusive).map((spec) => spec.name)).toEqual(expect.arrayContaining(breakers));
  });
});
