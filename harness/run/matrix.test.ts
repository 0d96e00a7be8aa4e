// A matrix cell's observation from its scenario's result: proven lost writes, acknowledged records
// a complete final read did not return (the only trace of acks=0 loss), undecided when the read
// fell short, and not run with the reason when the scenario was skipped.
import { describe, expect, it } from "vitest";
import { checkHistory } from "../checker/catalogue.ts";
import type { CheckResult } from "../checker/anomalies.ts";
import { matrixCellOf } from "./matrix.ts";
import type { MatrixPrediction, ScenarioResult } from "./result.ts";
import { matrixOf, verdictOfRun } from "./run.ts";
import type { Scenario } from "./scenario.ts";

const prediction: MatrixPrediction = { acks: "1", minInsyncReplicas: 1, uncleanElection: false, fault: "leader-kill", predicted: "loss-possible", reason: "acks=1 is acknowledged by the leader alone." };

function check(counts: CheckResult["stats"]["anomaly-counts"], valid: CheckResult["valid"] = true, reasons: string[] = []): CheckResult {
  const empty = checkHistory([]);
  return { ...empty, valid, "unknown-reasons": reasons, stats: { ...empty.stats, "anomaly-counts": counts } };
}

function result(fields: Partial<ScenarioResult>): ScenarioResult {
  return { name: "matrix-cell", description: "", guarantee: "", source: "", status: "passed", config: {}, allowed: [], history: "", operations: 10, durationMs: 1, faults: [], schedule: [], check: check({}), finalRead: { complete: true, acknowledged: 100, missing: 0 }, ...fields };
}

describe("matrixCellOf", () => {
  it("counts proven lost writes as loss, whatever the final read did", () => {
    expect(matrixCellOf(prediction, result({ check: check({ "lost-write": 3, unseen: 2 }), finalRead: { complete: false, acknowledged: 100, missing: 9 } }))).toMatchObject({ observed: "loss", lostWrites: 3, scenario: "matrix-cell", predicted: "loss-possible", reason: prediction.reason });
  });

  it("counts acknowledged records a complete final read did not return as loss", () => {
    expect(matrixCellOf({ ...prediction, acks: "0" }, result({ finalRead: { complete: true, acknowledged: 100, missing: 7 } }))).toMatchObject({ observed: "loss", lostWrites: 7 });
    expect(matrixCellOf(prediction, result({ check: check({ "lost-write": 2 }), finalRead: { complete: true, acknowledged: 100, missing: 5 } }))).toMatchObject({ observed: "loss", lostWrites: 5 });
  });

  it("is undecided when nothing was proven lost but the final read fell short", () => {
    const cell = matrixCellOf(prediction, result({ check: check({ unseen: 4 }, "unknown", ["the final read did not reach the end of every partition"]), finalRead: { complete: false, acknowledged: 100, missing: 4 } }));
    expect(cell).toMatchObject({ observed: "unknown", note: "the final read did not reach the end of every partition" });
  });

  it("is no-loss after a complete read that returned every acknowledged record", () => {
    expect(matrixCellOf(prediction, result({ check: check({ duplicate: 1 }) }))).toMatchObject({ observed: "no-loss", lostWrites: 0 });
  });

  it("is not run, with the reason, when the scenario was skipped", () => {
    expect(matrixCellOf(prediction, result({ status: "skipped", skipReason: "needs dedicated controllers", finalRead: undefined }))).toMatchObject({ observed: "not-run", note: "needs dedicated controllers" });
  });
});

describe("matrixOf and the verdict", () => {
  it("keeps only the scenarios that stand for a cell, in order", () => {
    const cell = { name: "cell", matrix: prediction } as Scenario;
    const plain = { name: "plain" } as Scenario;
    const cells = matrixOf([plain, cell], [result({ name: "plain" }), result({ name: "cell", check: check({ "lost-write": 1 }) })]);
    expect(cells).toEqual([expect.objectContaining({ scenario: "cell", observed: "loss" })]);
  });

  it("fails on a failed spec as on a failed scenario, and is undecided on an unknown spec", () => {
    expect(verdictOfRun([{ status: "passed" }, { status: "failed" }])).toEqual({ status: "failed", exitCode: 1 });
    expect(verdictOfRun([{ status: "unknown" }, { status: "passed" }])).toEqual({ status: "unknown", exitCode: 2 });
  });
});
