// The catalogue's own rules: one spec per guarantee, each named, stated and sourced (the seed
// notes or Kafka's documentation), with a run budget a 60 s catalogue can afford.
import { describe, expect, it } from "vitest";
import { specByName, specs } from "./index.ts";

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
});
