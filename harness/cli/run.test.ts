// What `kconform run` runs for each choice of flags — the main job by default; named scenarios or
// the matrix without specs; named specs without scenarios — and the command line that replays it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CouldNotRunError } from "../errors.ts";
import type { Spec } from "../../specs/spec.ts";
import { DEFAULT_SCENARIOS, MATRIX_SCENARIOS, scenarioByName } from "../../scenarios/index.ts";
import { chooseSuite, replayCommand, type SuiteFlags } from "./run.ts";

const spec = (name: string): Spec => ({ name, guarantee: "g", source: "s", numRuns: 1, timeLimitMs: 1_000, property: () => fc.asyncProperty(fc.nat(), async () => undefined) });
const CATALOGUE = [spec("ordering-within-partition"), spec("offsets-strictly-increasing")];
const flags = (extra: Partial<SuiteFlags> = {}): SuiteFlags => ({ specs: true, matrix: false, ...extra });
const RUN = { target: "reference" as const, tls: false, shrinkTime: 60, listScenarios: false, listSpecs: false, specConcurrency: 4 };

describe("chooseSuite", () => {
  it("runs every spec and the default scenarios when nothing is chosen, and only the scenarios with --no-specs", () => {
    expect(chooseSuite(flags(), CATALOGUE)).toEqual({ specs: CATALOGUE, scenarios: DEFAULT_SCENARIOS });
    expect(chooseSuite(flags({ specs: false }), CATALOGUE)).toEqual({ specs: [], scenarios: DEFAULT_SCENARIOS });
  });

  it("runs named scenarios or the matrix without specs, named specs without scenarios, and both when both are named", () => {
    const cell = MATRIX_SCENARIOS[13];
    expect(chooseSuite(flags({ scenario: ["safe-leader-kill", cell.name] }), CATALOGUE)).toEqual({ specs: [], scenarios: [scenarioByName("safe-leader-kill"), cell] });
    const matrix = chooseSuite(flags({ matrix: true, scenario: ["safe-leader-kill"] }), CATALOGUE);
    expect(matrix.specs).toEqual([]);
    expect(matrix.scenarios).toHaveLength(1 + MATRIX_SCENARIOS.length);
    expect(chooseSuite(flags({ spec: ["offsets-strictly-increasing"] }), CATALOGUE)).toEqual({ specs: [CATALOGUE[1]], scenarios: [] });
    expect(chooseSuite(flags({ spec: ["offsets-strictly-increasing"], scenario: ["safe-leader-kill"] }), CATALOGUE).scenarios.map((s) => s.name)).toEqual(["safe-leader-kill"]);
  });

  it("refuses unknown names with the list of known ones", () => {
    expect(() => chooseSuite(flags({ spec: ["no-such-spec"] }), CATALOGUE)).toThrow(CouldNotRunError);
    expect(() => chooseSuite(flags({ spec: ["no-such-spec"] }), CATALOGUE)).toThrow(/no spec named no-such-spec; specs: ordering-within-partition, offsets-strictly-increasing/);
    expect(() => chooseSuite(flags({ scenario: ["nope"] }), CATALOGUE)).toThrow(/no scenario named nope/);
  });
});

describe("replayCommand", () => {
  it("replays the main job as the main job, and a choice as that choice", () => {
    expect(replayCommand({ ...RUN, ...flags() }, 7, chooseSuite(flags(), CATALOGUE))).toBe("npx kconform run --target reference --seed 7");
    const chosen = flags({ spec: ["ordering-within-partition"], matrix: true, specs: true });
    expect(replayCommand({ ...RUN, ...chosen, timeLimit: 20 }, 7, chooseSuite(chosen, CATALOGUE))).toBe("npx kconform run --target reference --spec ordering-within-partition --matrix --time-limit 20 --seed 7");
    expect(replayCommand({ ...RUN, ...flags({ specs: false }) }, 3, chooseSuite(flags({ specs: false }), CATALOGUE))).toBe("npx kconform run --target reference --no-specs --seed 3");
    expect(replayCommand({ ...RUN, ...flags(), specConcurrency: 1 }, 3, chooseSuite(flags(), CATALOGUE))).toBe("npx kconform run --target reference --spec-concurrency 1 --seed 3");
    expect(replayCommand({ ...RUN, ...flags({ matrix: true }), nodes: 3, controllers: 3 }, 3, chooseSuite(flags({ matrix: true }), CATALOGUE))).toBe("npx kconform run --target reference --nodes 3 --controllers 3 --matrix --seed 3");
  });
});
