// Why a spec or scenario ended as it did, in a one-line message and a longer account: the words
// JUnit's <failure>, Allure's statusDetails and the HTML summary all show.
import { ANOMALY_TYPES, type AnomalyType, type CheckResult } from "../harness/checker/anomalies.ts";
import { finalReadProblem } from "../harness/run/final-read-loss.ts";
import type { ScenarioResult, SpecResult } from "../harness/run/result.ts";

export interface Outcome {
  /** One line: the first reason. */
  message: string;
  /** Every reason, one paragraph each. */
  details: string;
  /** The kind of failure: an anomaly type, "property", "error", "unknown", "skipped"; absent when passed. */
  kind?: string;
}

/** Anomaly types in the catalogue's order, which puts the gravest (inconsistent offsets, loss) first. */
function byGravity(types: readonly AnomalyType[]): AnomalyType[] {
  return [...types].sort((a, b) => ANOMALY_TYPES.indexOf(a) - ANOMALY_TYPES.indexOf(b));
}

/** Anomaly types found that the check did not allow, gravest first: these are what failed it. */
export function disallowedTypes(check: CheckResult): AnomalyType[] {
  const allowed = new Set(check.allowed);
  return byGravity(check["anomaly-types"].filter((type) => !allowed.has(type)));
}

/** Every anomaly type found, in the order reports list them: disallowed first, each part gravest first. */
export function reportOrder(check: CheckResult): AnomalyType[] {
  const disallowed = disallowedTypes(check);
  return [...disallowed, ...byGravity(check["anomaly-types"]).filter((t) => !disallowed.includes(t))];
}

export function scenarioOutcome(scenario: ScenarioResult): Outcome {
  if (scenario.status === "skipped") return skipped(scenario.skipReason);
  const check = scenario.check;
  const failing = disallowedTypes(check);
  if (scenario.status === "passed") return { message: "passed", details: passedCheck(check) };
  if (failing.length > 0) {
    const sentences = failing.flatMap((type) => (check.anomalies[type] ?? []).map((a) => `[${type}] ${a.explanation} (ops ${a.ops.join(", ")})`));
    const counts = failing.map((type) => `${type} ×${check.stats["anomaly-counts"][type] ?? check.anomalies[type]?.length ?? 0}`).join(", ");
    const first = check.anomalies[failing[0]]?.[0]?.explanation ?? `${failing[0]} found`;
    const shrunk = scenario.shrunk ? [`Shrunk in ${scenario.shrunk.runs} runs to a schedule of ${scenario.shrunk.schedule.length} fault(s); minimal history: ${scenario.shrunk.history}`] : [];
    return { message: first, details: [`Anomalies not allowed here: ${counts}.`, ...sentences, ...shrunk].join("\n\n"), kind: failing[0] };
  }
  const missing = scenario.finalRead !== undefined ? finalReadProblem(scenario.allowed, scenario.finalRead.complete, scenario.finalRead) : undefined;
  if (missing !== undefined) return { message: missing, details: `${missing}: acknowledged records were lost, although this scenario allows no lost write.`, kind: "lost-write" };
  const reasons = check["unknown-reasons"];
  if (scenario.status === "unknown" || reasons.length > 0) {
    return { message: reasons[0] ?? "the checker could not decide", details: reasons.join("\n\n") || "the checker could not decide", kind: "unknown" };
  }
  return { message: `status ${scenario.status}`, details: `The run marked this scenario ${scenario.status} without a disallowed anomaly.`, kind: "error" };
}

export function specOutcome(spec: SpecResult): Outcome {
  if (spec.status === "skipped") return skipped(spec.skipReason);
  if (spec.status === "passed") return { message: "passed", details: `${spec.numRuns} runs, seed ${spec.seed}` };
  const parts = [spec.error, spec.counterexample && `Counterexample:\n${spec.counterexample}`].filter((p): p is string => !!p);
  const message = firstLine(spec.error ?? spec.counterexample ?? `property ${spec.status}`);
  const kind = spec.status === "unknown" ? "unknown" : spec.counterexample ? "property" : "error";
  return { message, details: parts.join("\n\n") || message, kind };
}

function skipped(reason: string | undefined): Outcome {
  const message = reason ?? "skipped";
  return { message, details: message, kind: "skipped" };
}

function passedCheck(check: CheckResult): string {
  const allowedFound = check["anomaly-types"];
  const stats = `${check.stats.ok} ok, ${check.stats.fail} fail, ${check.stats.info} info operations checked`;
  return allowedFound.length > 0 ? `${stats}; allowed anomalies found: ${allowedFound.join(", ")}` : stats;
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0];
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
