// One scenario's card: its promise and configuration, the check's verdict and anomalies with their
// evidence, the minimal failing schedule beside the original, the timeline and the charts.
import type { ScenarioResult } from "../../harness/run/result.ts";
import type { ScenarioDigests } from "../digest/load.ts";
import { formatCount, formatDuration } from "../format.ts";
import { html, type Markup } from "../markup.ts";
import { latencySvg, throughputSvg } from "../svg/charts.ts";
import { timelineLanes, timelineNote, timelineSvg } from "../svg/timeline.ts";
import { anomaliesBlock, scheduleTable } from "./anomalies.ts";
import { badge, configChips, type Anchors } from "./parts.ts";

export interface ScenarioSectionOptions {
  maxAnomaliesPerType?: number;
}

function checkFacts(scenario: ScenarioResult): Markup {
  const s = scenario.check.stats;
  const verdict = scenario.check.valid === true ? "valid" : scenario.check.valid === false ? "invalid" : "unknown";
  return html`<p class="small muted">Check: <b>${verdict}</b> · ${formatCount(s.ok)} ok, ${formatCount(s.fail)} fail, ${formatCount(s.info)} info · ${formatCount(s["values-sent"])} values sent, ${formatCount(s["records-polled"])} records polled over ${formatCount(s.partitions)} partitions · ${formatCount(s["nemesis-events"])} nemesis events</p>`;
}

function plots(scenario: ScenarioResult, digests: ScenarioDigests): Markup {
  if (!digests.history) {
    return html`<div class="notice warn">The history could not be drawn${digests.historyError ? html`: <span class="mono">${digests.historyError}</span>` : ""}.</div>`;
  }
  const digest = digests.history;
  if (digest.operations === 0) return html`<p class="muted">The history holds no client operations.</p>`;
  const layout = timelineLanes(digest);
  const latency = latencySvg(digest, scenario.faults);
  const throughput = throughputSvg(digest, scenario.faults);
  return html`<h4>Timeline</h4><figure class="timeline-figure">${timelineSvg(digest, scenario.faults)}<figcaption>${timelineNote(digest, layout)}</figcaption></figure>
<h4>Latency</h4>${latency ? html`<figure class="latency-figure">${latency}<figcaption>Each dot is a sampled operation at its invocation time; lines are the p50 and p99 per ${formatDuration(digest.latency.widthNs / 1e6)} (±8 %). Shaded: fault windows.</figcaption></figure>` : html`<p class="muted">No completed operations.</p>`}
<h4>Throughput</h4>${throughput ? html`<figure class="throughput-figure">${throughput}<figcaption>Completed operations per second, per ${formatDuration(digest.throughput.widthNs / 1e6)}. Shaded: fault windows.</figcaption></figure>` : ""}`;
}

function shrinking(scenario: ScenarioResult, digests: ScenarioDigests, maxPerType: number | undefined): Markup {
  const shrunk = scenario.shrunk;
  if (!shrunk) return html`<details><summary>Fault schedule (${scenario.schedule.length})</summary>${scheduleTable(scenario.schedule)}</details>`;
  return html`<h4>Minimal failing schedule</h4><p class="small muted">Shrinking ran ${formatCount(shrunk.runs)} runs in ${formatDuration(shrunk.durationMs)} and kept the smallest schedule that still fails. Its history: <span class="mono">${shrunk.history}</span>.</p>
<div class="compare"><div><p class="small"><b>Original</b> · ${scenario.schedule.length} faults</p>${scheduleTable(scenario.schedule)}</div><div><p class="small"><b>Minimal</b> · ${shrunk.schedule.length} faults</p>${scheduleTable(shrunk.schedule)}</div></div>
<details><summary>Anomalies of the minimal run (${shrunk.check["anomaly-types"].join(", ") || "none"})</summary>${anomaliesBlock(shrunk.check, digests.shrunk, digests.shrunkError, maxPerType)}</details>`;
}

export function scenarioSection(scenario: ScenarioResult, digests: ScenarioDigests, anchors: Anchors, options: ScenarioSectionOptions = {}): Markup {
  const id = anchors.id("scenario", scenario.name);
  const head = html`<div class="card-head">${badge(scenario.status)}<h3>${scenario.name} <a class="anchor" href="#${id}" aria-label="link to this scenario">#</a></h3><span class="meta">${formatCount(scenario.operations)} ops · ${formatDuration(scenario.durationMs)} · ${scenario.faults.length} faults</span></div>`;
  const about = html`<p>${scenario.description}</p><div class="promise"><p><b>Promise:</b> ${scenario.guarantee}</p><p class="small muted">Source: ${scenario.source}</p></div>
<p>${configChips(scenario.config)}</p>${scenario.allowed.length > 0 ? html`<p class="small">Allowed anomalies: ${scenario.allowed.map((a) => html`<span class="chip allowed">${a}</span>`)}</p>` : ""}`;
  if (scenario.status === "skipped") {
    return html`<section class="card scenario skipped" id="${id}">${head}${about}<div class="notice">Skipped: ${scenario.skipReason ?? "no reason given"}</div></section>`;
  }
  const reasons = scenario.check["unknown-reasons"];
  const unknown = reasons.length > 0 ? html`<div class="notice warn"><b>Could not decide everything:</b><ul>${reasons.map((r) => html`<li>${r}</li>`)}</ul></div>` : "";
  return html`<section class="card scenario ${scenario.status}" id="${id}">${head}${about}${checkFacts(scenario)}${unknown}
<h4>Anomalies</h4>${anomaliesBlock(scenario.check, digests.history, digests.historyError, options.maxAnomaliesPerType)}
${shrinking(scenario, digests, options.maxAnomaliesPerType)}${plots(scenario, digests)}</section>`;
}
