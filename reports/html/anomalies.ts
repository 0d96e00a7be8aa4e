// Each anomaly a check found: its plain-English sentence, and the operations it cites rendered as a
// small table straight from the history — the minimal evidence a reader needs to believe it.
import type { Anomaly, AnomalyType, CheckResult } from "../../harness/checker/anomalies.ts";
import type { ScheduledFault } from "../../harness/run/result.ts";
import type { DrawnOp, HistoryDigest } from "../digest/digest.ts";
import { DEFAULT_MAX_ANOMALIES_PER_TYPE } from "../digest/load.ts";
import { compactJson, formatCount, formatDuration, formatLatency, formatRunTime } from "../format.ts";
import { html, type Markup } from "../markup.ts";
import { disallowedTypes, reportOrder } from "../outcome.ts";

/** Event indices an anomaly cites, cycle steps included, in history order. */
function citedBy(anomaly: Anomaly): number[] {
  const ops = new Set(anomaly.ops);
  for (const step of anomaly.steps ?? []) {
    ops.add(step.from);
    ops.add(step.to);
  }
  return [...ops].sort((a, b) => a - b);
}

function evidenceRow(index: number, op: DrawnOp | undefined): Markup {
  if (!op) return html`<tr><td class="num">${index}</td><td colspan="6" class="muted">not found in the history</td></tr>`;
  const latency = op.endNs === undefined ? "never completed" : formatLatency(op.endNs - op.startNs);
  const result = op.error !== undefined ? `${compactJson(op.completionValue, 400)}  error: ${op.error}` : compactJson(op.completionValue, 400);
  return html`<tr class="${op.type}"><td class="num">${index}</td><td>${String(op.process)}</td><td><code>${op.f}</code> ${op.type}</td><td class="num">${formatRunTime(op.startNs)}</td><td class="num">${latency}</td><td class="value">${compactJson(op.invokeValue, 400)}</td><td class="value">${op.completionValue === undefined && op.error === undefined ? "—" : result}</td></tr>`;
}

function evidenceTable(ops: readonly number[], digest: HistoryDigest): Markup {
  return html`<div class="table-wrap"><table class="grid evidence"><thead><tr><th class="num">op</th><th>process</th><th>operation</th><th class="num">invoked</th><th class="num">latency</th><th>invocation</th><th>completion</th></tr></thead><tbody>${ops.map((i) => evidenceRow(i, digest.evidence.get(i)))}</tbody></table></div>`;
}

/** The anomalies of one check, disallowed types first; evidence from `digest` when it was read. */
export function anomaliesBlock(check: CheckResult, digest: HistoryDigest | undefined, historyError: string | undefined, maxPerType = DEFAULT_MAX_ANOMALIES_PER_TYPE): Markup {
  const disallowed = new Set<AnomalyType>(disallowedTypes(check));
  const types = reportOrder(check);
  if (types.length === 0) return html`<p class="muted">No anomalies found.</p>`;
  return html`${types.map((type) => {
    const anomalies = check.anomalies[type] ?? [];
    const total = check.stats["anomaly-counts"][type] ?? anomalies.length;
    const shown = anomalies.slice(0, maxPerType);
    const verdict = disallowed.has(type) ? html`<span class="chip disallowed">not allowed</span>` : html`<span class="chip allowed">allowed here</span>`;
    const more = total > shown.length ? html`<p class="muted small">${formatCount(total - shown.length)} more not shown (results.json lists up to the checker's limit).</p>` : "";
    return html`<div class="anomaly-type"><h4><code>${type}</code> ×${formatCount(total)} ${verdict}</h4>${shown.map((anomaly) => {
      const ops = citedBy(anomaly);
      const evidence = digest ? evidenceTable(ops, digest) : html`<p class="muted small">Evidence: ops ${ops.join(", ")} (history unavailable${historyError ? `: ${historyError}` : ""}).</p>`;
      return html`<div class="anomaly ${disallowed.has(type) ? "disallowed" : "allowed"}"><p class="sentence">${anomaly.explanation}</p>${evidence}</div>`;
    })}${more}</div>`;
  })}`;
}

export function scheduleTable(schedule: readonly ScheduledFault[]): Markup {
  if (schedule.length === 0) return html`<p class="muted">No faults.</p>`;
  return html`<div class="table-wrap"><table class="grid"><thead><tr><th class="num">at</th><th class="num">for</th><th>fault</th><th>target</th><th>parameters</th></tr></thead><tbody>${schedule.map(
    (f) => html`<tr><td class="num">${formatDuration(f.atMs)}</td><td class="num">${formatDuration(f.durationMs)}</td><td><code>${f.fault}</code></td><td>${f.target}</td><td class="mono small">${f.params ? compactJson(f.params) : ""}</td></tr>`,
  )}</tbody></table></div>`;
}
