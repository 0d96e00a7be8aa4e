// junit.xml for CI systems: a testsuite per kind (specs, scenarios), a testcase per spec and
// scenario, a <failure> carrying the anomaly sentences, <skipped> with its reason, and <error>
// when the checker could not decide. Properties carry the seed and the replay command.
import type { RunResult, ScenarioResult, SpecResult, Status } from "../../harness/run/result.ts";
import { escapeMarkup } from "../markup.ts";
import { scenarioOutcome, specOutcome, type Outcome } from "../outcome.ts";

interface Case {
  name: string;
  status: Status;
  durationMs: number;
  outcome: Outcome;
  /** Context for whoever reads the CI log: the promise and the configuration. */
  output: string;
}

/** Attribute value: escaped, with line breaks kept as character references (parsers would fold them). */
function attr(value: string | number): string {
  return escapeMarkup(String(value)).replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function specCase(spec: SpecResult): Case {
  return {
    name: spec.name,
    status: spec.status,
    durationMs: spec.durationMs,
    outcome: specOutcome(spec),
    output: `${spec.guarantee}\nSource: ${spec.source}\nSeed ${spec.seed}, ${spec.numRuns} runs.`,
  };
}

function scenarioCase(scenario: ScenarioResult): Case {
  const config = Object.entries(scenario.config).map(([k, v]) => `${k}=${v}`).join(", ");
  return {
    name: scenario.name,
    status: scenario.status,
    durationMs: scenario.durationMs,
    outcome: scenarioOutcome(scenario),
    output: [
      scenario.guarantee,
      `Source: ${scenario.source}`,
      config && `Configuration: ${config}`,
      scenario.allowed.length > 0 && `Allowed anomalies: ${scenario.allowed.join(", ")}`,
      scenario.history && `History: ${scenario.history} (${scenario.operations} operations)`,
    ].filter(Boolean).join("\n"),
  };
}

function testcase(c: Case, classname: string): string {
  const open = `    <testcase name="${attr(c.name)}" classname="${attr(classname)}" time="${seconds(c.durationMs)}"`;
  const { message, details, kind } = c.outcome;
  let verdict = "";
  if (c.status === "failed") verdict = `      <failure message="${attr(message)}" type="${attr(kind ?? "failure")}">${escapeMarkup(details)}</failure>\n`;
  else if (c.status === "unknown") verdict = `      <error message="${attr(message)}" type="unknown">${escapeMarkup(details)}</error>\n`;
  else if (c.status === "skipped") verdict = `      <skipped message="${attr(message)}"/>\n`;
  return `${open}>\n${verdict}      <system-out>${escapeMarkup(c.output)}</system-out>\n    </testcase>\n`;
}

function counts(cases: readonly Case[]) {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.status === "failed").length,
    errors: cases.filter((c) => c.status === "unknown").length,
    skipped: cases.filter((c) => c.status === "skipped").length,
    time: seconds(cases.reduce((sum, c) => sum + c.durationMs, 0)),
  };
}

function properties(result: RunResult): string {
  const entries: [string, string | number][] = [
    ["seed", result.seed],
    ["replay", result.replay],
    ["run.id", result.runId],
    ["target", result.target.kind],
    ["bootstrap", result.target.bootstrap.join(",")],
    ...(result.target.brokerVersion ? [["broker.version", result.target.brokerVersion] as [string, string]] : []),
  ];
  return `    <properties>\n${entries.map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>\n`).join("")}    </properties>\n`;
}

function testsuite(name: string, cases: readonly Case[], result: RunResult): string {
  const c = counts(cases);
  const head = `  <testsuite name="${attr(name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${c.time}" timestamp="${attr(result.startedAt)}">\n`;
  return `${head}${properties(result)}${cases.map((k) => testcase(k, `kconform.${name}`)).join("")}  </testsuite>\n`;
}

/** The JUnit XML document of a run. */
export function renderJunitXml(result: RunResult): string {
  const specs = result.specs.map(specCase);
  const scenarios = result.scenarios.map(scenarioCase);
  const all = counts([...specs, ...scenarios]);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="kconform" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" skipped="${all.skipped}" time="${seconds(result.durationMs)}" timestamp="${attr(result.startedAt)}">\n` +
    testsuite("specs", specs, result) +
    testsuite("scenarios", scenarios, result) +
    `</testsuites>\n`
  );
}
