// report.html: one self-contained page (style and script inlined, no network) that leads with the
// verdict, then the guarantee matrix, specs, scenarios with evidence and timelines, and the
// environment. A strict Content-Security-Policy admits only its own style and script, so even a
// value that escaped escaping could neither run nor load anything.
import { createHash } from "node:crypto";
import type { RunResult, ScenarioResult, SpecResult } from "../../harness/run/result.ts";
import { digestRun, type HistorySource, type RunDigestOptions, type ScenarioDigests } from "../digest/load.ts";
import { formatCount, formatDuration } from "../format.ts";
import { html, trusted, type Markup } from "../markup.ts";
import { disallowedTypes, scenarioOutcome, specOutcome } from "../outcome.ts";
import { cellOutcome, matrixSection } from "./matrix.ts";
import { Anchors, badge, configChips, keyValues } from "./parts.ts";
import { scenarioSection } from "./scenario.ts";
import { SCRIPT } from "./script.ts";
import { STYLE } from "./style.ts";

export interface HtmlReportOptions extends RunDigestOptions {
  /** Shown in the footer; the CLI passes its own version. */
  generator?: string;
}

const EXIT_MEANING: Record<number, string> = { 0: "all checks passed", 1: "an anomaly was found", 2: "the run could not complete" };
const VERDICT_WORD = { passed: "Passed", failed: "Failed", unknown: "Unknown", skipped: "Skipped" } as const;

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("base64");
}

function verdictSentence(result: RunResult): string {
  const failedSpecs = result.specs.filter((s) => s.status === "failed").length;
  const failedScenarios = result.scenarios.filter((s) => s.status === "failed").length;
  if (result.status === "passed") return "Every spec and scenario that ran kept its promise.";
  if (result.status === "failed") {
    return `${failedSpecs} of ${result.specs.length} specs and ${failedScenarios} of ${result.scenarios.length} scenarios found the target breaking a promise.`;
  }
  if (result.status === "unknown") return "No promise was shown broken, but some checks could not decide.";
  return "Nothing ran.";
}

function tile(n: string | number, label: string): Markup {
  return html`<div class="tile"><div class="n">${n}</div><div class="l">${label}</div></div>`;
}

function passedOf(items: readonly (SpecResult | ScenarioResult)[]): string {
  const ran = items.filter((i) => i.status !== "skipped");
  return `${ran.filter((i) => i.status === "passed").length}/${ran.length}`;
}

function verdictSection(result: RunResult, anchors: Anchors): Markup {
  const disallowed = result.scenarios.reduce((sum, s) => sum + disallowedTypes(s.check).reduce((n, t) => n + (s.check.stats["anomaly-counts"][t] ?? 0), 0), 0);
  const operations = result.scenarios.reduce((sum, s) => sum + s.operations, 0);
  const violations = result.matrix?.filter((c) => cellOutcome(c) === "violation").length;
  const failing = [
    ...result.specs.filter((s) => s.status === "failed" || s.status === "unknown").map((s) => ({ kind: "spec" as const, name: s.name, status: s.status, message: specOutcome(s).message })),
    ...result.scenarios.filter((s) => s.status === "failed" || s.status === "unknown").map((s) => ({ kind: "scenario" as const, name: s.name, status: s.status, message: scenarioOutcome(s).message })),
  ];
  const list = failing.length > 0
    ? html`<ul class="failures">${failing.map((f) => html`<li>${badge(f.status)} <a href="#${anchors.id(f.kind, f.name)}"><b>${f.name}</b></a> — ${f.message}</li>`)}</ul>`
    : "";
  return html`<section id="verdict" class="verdict ${result.status}"><div><div class="muted small">Verdict</div><h1>${VERDICT_WORD[result.status]}</h1><p>${verdictSentence(result)}</p><div class="exit">exit code ${result.exitCode} · ${EXIT_MEANING[result.exitCode] ?? ""}</div></div>
<div class="tiles">${tile(passedOf(result.specs), "specs passed")}${tile(passedOf(result.scenarios), "scenarios passed")}${tile(formatCount(disallowed), "anomalies not allowed")}${violations !== undefined ? tile(violations, "matrix violations") : ""}${tile(formatCount(operations), "operations")}${tile(formatDuration(result.durationMs), "duration")}</div>${list}</section>
<div class="replay" id="replay"><span class="label">Replay · seed ${result.seed}</span><code id="replay-command">${result.replay}</code><button type="button" data-copy="replay-command">Copy</button></div>`;
}

function specsSection(specs: readonly SpecResult[], anchors: Anchors): Markup {
  if (specs.length === 0) return html`<section id="specs"><h2>Specs</h2><p class="muted">No specs ran.</p></section>`;
  const rows = specs.map((spec) => {
    const outcome = specOutcome(spec);
    const detail = spec.status === "passed" ? "" : html`<details${spec.status === "failed" ? html` open` : ""}><summary>${spec.status === "skipped" ? "why skipped" : "what failed"}</summary><pre class="block">${outcome.details}</pre></details>`;
    return html`<tr id="${anchors.id("spec", spec.name)}"><td>${badge(spec.status)}</td><td><b>${spec.name}</b><p class="small">${spec.guarantee}</p><p class="small muted">Source: ${spec.source}</p>${detail}</td><td class="num">${formatCount(spec.numRuns)}</td><td class="num">${spec.seed}</td><td class="num">${formatDuration(spec.durationMs)}</td></tr>`;
  });
  return html`<section id="specs"><h2>Specs</h2><div class="table-wrap"><table class="grid"><thead><tr><th>status</th><th>guarantee</th><th class="num">runs</th><th class="num">seed</th><th class="num">duration</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function scenariosSection(result: RunResult, digests: Map<string, ScenarioDigests>, anchors: Anchors, options: HtmlReportOptions): Markup {
  if (result.scenarios.length === 0) return html`<section id="scenarios"><h2>Scenarios</h2><p class="muted">No scenarios ran.</p></section>`;
  const rows = result.scenarios.map((s) => {
    const disallowed = new Set(disallowedTypes(s.check));
    const found = s.status === "skipped" ? html`<span class="muted small">${s.skipReason ?? ""}</span>` : s.check["anomaly-types"].map((t) => html`<span class="chip ${disallowed.has(t) ? "disallowed" : "allowed"}">${t}</span>`);
    return html`<tr><td>${badge(s.status)}</td><td><a href="#${anchors.id("scenario", s.name)}"><b>${s.name}</b></a><div>${configChips(s.config)}</div></td><td>${found}</td><td class="num">${formatCount(s.operations)}</td><td class="num">${s.faults.length}</td><td class="num">${formatDuration(s.durationMs)}</td></tr>`;
  });
  const cards = result.scenarios.map((s) => scenarioSection(s, digests.get(s.name) ?? {}, anchors, options));
  return html`<section id="scenarios"><h2>Scenarios</h2><div class="table-wrap"><table class="grid"><thead><tr><th>status</th><th>scenario</th><th>anomalies</th><th class="num">ops</th><th class="num">faults</th><th class="num">duration</th></tr></thead><tbody>${rows}</tbody></table></div>${cards}</section>`;
}

function environmentSection(result: RunResult): Markup {
  const t = result.target;
  return html`<section id="environment"><h2>Environment</h2><div class="card"><div class="compare"><div><h4>Target</h4>${keyValues([
    ["kind", t.kind],
    ["broker version", t.brokerVersion ?? "unknown"],
    ["nodes", t.nodes],
    ["bootstrap", t.bootstrap.join(", ")],
    ...Object.entries(t.clients).map(([name, version]): [string, string] => [`client ${name}`, version]),
  ])}<h4>Run</h4>${keyValues([
    ["run id", result.runId],
    ["started", result.startedAt],
    ["duration", formatDuration(result.durationMs)],
    ["seed", result.seed],
    ["replay", result.replay],
  ])}</div><div><h4>Broker configuration</h4>${Object.keys(t.config).length > 0 ? keyValues(Object.entries(t.config)) : html`<p class="muted">None recorded.</p>`}</div></div></div></section>`;
}

/** The page from a run and its digested histories (see digestRun): pure, synchronous. */
export function htmlReport(result: RunResult, digests: Map<string, ScenarioDigests>, options: HtmlReportOptions = {}): string {
  const anchors = new Anchors();
  // Only constants and base64 digests: safe to place unescaped, and quotes stay readable.
  const csp = `default-src 'none'; style-src 'sha256-${sha256(STYLE)}'; script-src 'sha256-${sha256(SCRIPT)}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const nav = [["verdict", "Verdict"], ...(result.matrix ? [["matrix", "Matrix"]] : []), ["specs", "Specs"], ["scenarios", "Scenarios"], ["environment", "Environment"]];
  const page = html`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${trusted(csp)}">
<title>kconform ${VERDICT_WORD[result.status].toLowerCase()} · ${result.target.kind} · seed ${result.seed}</title>
<style>${trusted(STYLE)}</style></head>
<body><header class="topbar"><div class="topbar-inner"><span class="brand">kconform <span>report</span></span>${badge(result.status)}<span class="facts"><span>target <b>${result.target.kind}</b>${result.target.brokerVersion ? ` ${result.target.brokerVersion}` : ""}</span><span>seed <b>${result.seed}</b></span><span>exit <b>${result.exitCode}</b></span><span>${formatDuration(result.durationMs)}</span></span><nav class="nav">${nav.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav></div></header>
<main>${verdictSection(result, anchors)}${result.matrix ? matrixSection(result.matrix, anchors) : ""}${specsSection(result.specs, anchors)}${scenariosSection(result, digests, anchors, options)}${environmentSection(result)}</main>
<footer>Generated by ${options.generator ?? "kconform"} from results.json (format ${result["kconform-run"]}), run ${result.runId}, started ${result.startedAt}.</footer>
<script>${trusted(SCRIPT)}</script></body></html>
`;
  return page.text;
}

/** Digests the run's histories from `histories` and renders the page. */
export async function renderHtmlReport(result: RunResult, histories: HistorySource, options: HtmlReportOptions = {}): Promise<string> {
  return htmlReport(result, await digestRun(result, histories, options), options);
}
