// A guarantee-matrix cell's observation, read off the result of the scenario that ran it: how many
// acknowledged records were lost, beside what the documentation predicted. "Lost" means: a
// lost-write the checker proved (a later record was read past it), or — once the final read
// reached the end of every partition — an acknowledged record the final read did not return. The
// second also counts records a consumer polled before the log lost them, and it is the only
// evidence acks=0 leaves: its sends carry no offset, and "acknowledged" there means the producer
// sent the record without an error.
import type { MatrixCell, MatrixPrediction, ScenarioResult } from "./result.ts";

export function lostRecords(result: Pick<ScenarioResult, "check" | "finalRead">): number {
  const proven = result.check.stats["anomaly-counts"]["lost-write"] ?? 0;
  return Math.max(proven, result.finalRead?.complete === true ? result.finalRead.missing : 0);
}

export function matrixCellOf(prediction: MatrixPrediction, result: ScenarioResult): MatrixCell {
  const cell = { ...prediction, scenario: result.name };
  if (result.status === "skipped") return { ...cell, observed: "not-run", note: result.skipReason ?? "skipped" };
  const lost = lostRecords(result);
  if (lost > 0) return { ...cell, observed: "loss", lostWrites: lost };
  if (result.finalRead?.complete !== true || result.check.valid === "unknown") {
    const why = result.check["unknown-reasons"][0] ?? "the final read did not reach the end of every partition, so a record never read back may still be there";
    return { ...cell, observed: "unknown", note: why };
  }
  return { ...cell, observed: "no-loss", lostWrites: 0 };
}
