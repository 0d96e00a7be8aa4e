// A run as Allure test results, one per spec and per scenario: status and the anomaly sentences as
// statusDetails, the configuration as parameters, each fault as a timed step with its parameters,
// the check's findings as steps, and the history, timeline and charts as attachments. Pure: the
// files to write come back as data (write.ts writes them).
import { createHash } from "node:crypto";
import type { CheckResult } from "../../harness/checker/anomalies.ts";
import type { FaultWindow, RunResult, ScenarioResult, SpecResult, Status } from "../../harness/run/result.ts";
import type { ScenarioDigests } from "../digest/load.ts";
import { formatRunTime } from "../format.ts";
import { disallowedTypes, reportOrder, scenarioOutcome, specOutcome, type Outcome } from "../outcome.ts";
import { latencySvg, throughputSvg } from "../svg/charts.ts";
import { timelineSvg } from "../svg/timeline.ts";
import type { AllureAttachment, AllureExecutor, AllureLabel, AllureParameter, AllureStatus, AllureStep, AllureTestResult } from "./model.ts";

/** A file of allure-results besides the result JSONs: literal content, or a history to copy. */
export type AllureFile = { name: string; content: string } | { name: string; copyFrom: string };

export interface AllureRun {
  tests: AllureTestResult[];
  files: AllureFile[];
  environment: Record<string, string>;
  executor: AllureExecutor;
}

export interface AllureOptions {
  /** Makes uuids; tests pass a counter for stable output. */
  uuid: () => string;
}

const STATUS: Record<Status, AllureStatus> = { passed: "passed", failed: "failed", unknown: "broken", skipped: "skipped" };

function hash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 32);
}

function details(status: Status, outcome: Outcome) {
  return status === "passed" ? {} : { message: outcome.message, trace: outcome.details };
}

function step(name: string, status: AllureStatus, start: number, stop: number, extra: Partial<AllureStep> = {}): AllureStep {
  return { name, status, statusDetails: {}, stage: "finished", start, stop, steps: [], attachments: [], parameters: [], ...extra };
}

function params(record: Record<string, unknown>): AllureParameter[] {
  return Object.entries(record).map(([name, value]) => ({ name, value: typeof value === "string" ? value : JSON.stringify(value) }));
}

class Builder {
  readonly tests: AllureTestResult[] = [];
  readonly files: AllureFile[] = [];

  constructor(
    private readonly result: RunResult,
    private readonly digests: Map<string, ScenarioDigests>,
    private readonly uuid: () => string,
  ) {}

  attach(name: string, type: string, ext: string, content: string | { copyFrom: string }): AllureAttachment {
    const source = `${this.uuid()}-attachment.${ext}`;
    this.files.push(typeof content === "string" ? { name: source, content } : { name: source, copyFrom: content.copyFrom });
    return { name, type, source };
  }

  test(kind: "specs" | "scenarios", name: string, status: Status, start: number, stop: number, fields: Partial<AllureTestResult> & { feature: string; tags: string[]; parameters: AllureParameter[] }): AllureTestResult {
    const fullName = `kconform.${kind}.${name}`;
    const identity = fields.parameters.filter((p) => !p.excluded).map((p) => `${p.name}=${p.value}`).sort().join("&");
    const labels: AllureLabel[] = [
      { name: "parentSuite", value: `kconform · ${this.result.target.kind}` },
      { name: "suite", value: kind },
      { name: "feature", value: fields.feature },
      { name: "framework", value: "kconform" },
      ...[this.result.target.kind, ...fields.tags].map((value): AllureLabel => ({ name: "tag", value })),
    ];
    const { feature: _feature, tags: _tags, ...rest } = fields;
    const test: AllureTestResult = {
      uuid: this.uuid(),
      historyId: hash(`${fullName}?${identity}`),
      testCaseId: hash(fullName),
      name,
      fullName,
      status: STATUS[status],
      statusDetails: {},
      stage: "finished",
      start,
      stop,
      steps: [],
      attachments: [],
      links: [],
      ...rest,
      labels,
    };
    this.tests.push(test);
    return test;
  }

  spec(spec: SpecResult, start: number): void {
    this.test("specs", spec.name, spec.status, start, start + spec.durationMs, {
      description: `${spec.guarantee}\n\nSource: ${spec.source}`,
      statusDetails: details(spec.status, specOutcome(spec)),
      feature: spec.guarantee,
      tags: [],
      parameters: [
        { name: "seed", value: String(spec.seed), excluded: true },
        { name: "numRuns", value: String(spec.numRuns), excluded: true },
      ],
    });
  }

  scenario(scenario: ScenarioResult, start: number): void {
    const stop = start + scenario.durationMs;
    const digests = this.digests.get(scenario.name) ?? {};
    const steps: AllureStep[] = scenario.faults.map((fault) => this.faultStep(fault, start, stop));
    const attachments: AllureAttachment[] = [];
    if (scenario.status !== "skipped") {
      steps.push(this.checkStep("check", scenario.check, stop));
      if (scenario.history) attachments.push(this.attach("history.jsonl", "text/plain", "jsonl", { copyFrom: scenario.history }));
      const digest = digests.history;
      if (digest && digest.operations > 0) {
        attachments.push(this.attach("timeline.svg", "image/svg+xml", "svg", timelineSvg(digest, scenario.faults).text));
        const latency = latencySvg(digest, scenario.faults);
        if (latency) attachments.push(this.attach("latency.svg", "image/svg+xml", "svg", latency.text));
        const throughput = throughputSvg(digest, scenario.faults);
        if (throughput) attachments.push(this.attach("throughput.svg", "image/svg+xml", "svg", throughput.text));
      }
    }
    if (scenario.shrunk) {
      const shrunk = scenario.shrunk;
      const shrinkStep = step(`shrink: ${shrunk.runs} runs, ${scenario.schedule.length} → ${shrunk.schedule.length} faults`, "passed", stop, stop + shrunk.durationMs, {
        parameters: shrunk.schedule.map((f, i) => ({ name: `fault ${i + 1}`, value: `${f.fault} on ${f.target} at ${f.atMs} ms for ${f.durationMs} ms${f.params ? ` ${JSON.stringify(f.params)}` : ""}` })),
        steps: [this.checkStep("check of the minimal run", shrunk.check, stop + shrunk.durationMs)],
        attachments: shrunk.history ? [this.attach("minimal history.jsonl", "text/plain", "jsonl", { copyFrom: shrunk.history })] : [],
      });
      steps.push(shrinkStep);
    }
    this.test("scenarios", scenario.name, scenario.status, start, stop, {
      description: `${scenario.description}\n\nPromise: ${scenario.guarantee}\n\nSource: ${scenario.source}`,
      statusDetails: details(scenario.status, scenarioOutcome(scenario)),
      feature: scenario.guarantee,
      tags: [...new Set(scenario.faults.map((f) => f.fault)), ...(scenario.shrunk ? ["shrunk"] : [])],
      parameters: [...params(scenario.config), { name: "seed", value: String(this.result.seed), excluded: true }],
      steps,
      attachments,
    });
  }

  private faultStep(fault: FaultWindow, scenarioStart: number, scenarioStop: number): AllureStep {
    const from = scenarioStart + fault.startNs / 1e6;
    const to = fault.endNs === undefined ? scenarioStop : scenarioStart + fault.endNs / 1e6;
    const targets = fault.targets.length > 0 ? ` on ${fault.targets.join(", ")}` : "";
    return step(`fault: ${fault.label}${targets}`, "passed", Math.round(from), Math.round(Math.max(from, to)), {
      parameters: [
        { name: "fault", value: fault.fault },
        { name: "targets", value: fault.targets.join(", ") },
        { name: "started", value: formatRunTime(fault.startNs) },
        { name: "healed", value: fault.endNs === undefined ? "never" : formatRunTime(fault.endNs) },
        ...params(fault.params ?? {}),
      ],
    });
  }

  /** The check as a step; each anomaly type found a sub-step, each shown anomaly a step below it. */
  private checkStep(name: string, check: CheckResult, at: number): AllureStep {
    const disallowed = new Set(disallowedTypes(check));
    const status: AllureStatus = check.valid === true ? "passed" : check.valid === false ? "failed" : "broken";
    const types = reportOrder(check).map((type) => {
      const verdict: AllureStatus = disallowed.has(type) ? "failed" : "passed";
      const count = check.stats["anomaly-counts"][type] ?? check.anomalies[type]?.length ?? 0;
      return step(`${type} ×${count} (${disallowed.has(type) ? "not allowed" : "allowed"})`, verdict, at, at, {
        steps: (check.anomalies[type] ?? []).slice(0, 10).map((a) => step(a.explanation, verdict, at, at, { parameters: [{ name: "ops", value: a.ops.join(", ") }] })),
      });
    });
    const reasons = check["unknown-reasons"].map((reason) => step(`undecided: ${reason}`, "broken", at, at));
    return step(`${name}: ${check.valid === true ? "valid" : check.valid === false ? "invalid" : "unknown"}`, status, at, at, { steps: [...types, ...reasons] });
  }
}

function environmentOf(result: RunResult): Record<string, string> {
  const t = result.target;
  return {
    target: t.kind,
    ...(t.brokerVersion && { "broker.version": t.brokerVersion }),
    bootstrap: t.bootstrap.join(","),
    nodes: String(t.nodes),
    seed: String(result.seed),
    replay: result.replay,
    "run.id": result.runId,
    ...Object.fromEntries(Object.entries(t.clients).map(([k, v]) => [`client.${k}`, v])),
    ...Object.fromEntries(Object.entries(t.config).map(([k, v]) => [`config.${k}`, v])),
  };
}

/**
 * The Allure results of a run. Each spec and scenario starts when its `startedAt` says; results
 * written before that field existed are laid end to end from the run's start in the order they ran.
 */
export function allureRun(result: RunResult, digests: Map<string, ScenarioDigests>, options: AllureOptions): AllureRun {
  const builder = new Builder(result, digests, options.uuid);
  let cursor = Date.parse(result.startedAt) || 0;
  const startOf = (startedAt: string | undefined) => {
    const at = startedAt !== undefined ? Date.parse(startedAt) : NaN;
    return Number.isFinite(at) ? at : cursor;
  };
  for (const spec of result.specs) {
    const start = startOf(spec.startedAt);
    builder.spec(spec, start);
    cursor = start + spec.durationMs;
  }
  for (const scenario of result.scenarios) {
    const start = startOf(scenario.startedAt);
    builder.scenario(scenario, start);
    cursor = start + scenario.durationMs + (scenario.shrunk?.durationMs ?? 0);
  }
  return {
    tests: builder.tests,
    files: builder.files,
    environment: environmentOf(result),
    executor: { name: "kconform", type: "kconform", buildName: `kconform run ${result.runId}`, reportName: `kconform · ${result.target.kind} · seed ${result.seed}` },
  };
}
