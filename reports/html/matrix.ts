// The guarantee matrix: acks × min.insync.replicas × unclean election down, faults across, each
// cell the documented prediction beside what the target did, coloured by what that means.
import type { MatrixCell } from "../../harness/run/result.ts";
import { html, type Markup } from "../markup.ts";
import type { Anchors } from "./parts.ts";

/** What a cell's observation means against its prediction. */
export type CellOutcome = "conforming" | "expected" | "not-shown" | "violation" | "undecided" | "not-run";

export function cellOutcome(cell: MatrixCell): CellOutcome {
  if (cell.observed === "not-run") return "not-run";
  if (cell.observed === "unknown") return "undecided";
  if (cell.predicted === "no-loss") return cell.observed === "loss" ? "violation" : "conforming";
  return cell.observed === "loss" ? "expected" : "not-shown";
}

const OUTCOME_WORDS: Record<CellOutcome, { word: string; meaning: string }> = {
  conforming: { word: "kept", meaning: "no loss promised, none observed" },
  expected: { word: "loss as predicted", meaning: "loss possible and observed: the suite can see it" },
  "not-shown": { word: "loss not shown", meaning: "loss possible but not provoked in this run" },
  violation: { word: "violation", meaning: "no loss promised, yet acknowledged records were lost" },
  undecided: { word: "undecided", meaning: "the checker could not decide" },
  "not-run": { word: "not run", meaning: "this cell did not run" },
};

const FAULT_ORDER: readonly MatrixCell["fault"][] = ["none", "leader-kill", "leader-isolation", "follower-pause", "n-1-loss"];
const ACKS_ORDER: readonly MatrixCell["acks"][] = ["0", "1", "all"];

function rowKey(cell: MatrixCell): string {
  return `${cell.acks}|${cell.minInsyncReplicas}|${cell.uncleanElection}`;
}

function rowOrder(a: MatrixCell, b: MatrixCell): number {
  return ACKS_ORDER.indexOf(a.acks) - ACKS_ORDER.indexOf(b.acks) || a.minInsyncReplicas - b.minInsyncReplicas || Number(a.uncleanElection) - Number(b.uncleanElection);
}

function observedText(cell: MatrixCell): string {
  if (cell.observed === "loss") return cell.lostWrites !== undefined ? `loss ×${cell.lostWrites}` : "loss";
  return cell.observed.replace("-", " ");
}

function cellMarkup(cell: MatrixCell | undefined, anchors: Anchors): Markup {
  if (!cell) return html`<td><div class="cell absent">—</div></td>`;
  const outcome = cellOutcome(cell);
  const { word, meaning } = OUTCOME_WORDS[outcome];
  const title = [meaning, cell.reason && `documented: ${cell.reason}`, cell.note].filter(Boolean).join(" — ");
  const link = cell.scenario ? html`<div><a href="#${anchors.id("scenario", cell.scenario)}">scenario →</a></div>` : "";
  return html`<td><div class="cell ${outcome}" title="${title}"><div class="verdict-word">${word}</div><div class="po"><span>predicted</span><b>${cell.predicted.replace("-", " ")}</b></div><div class="po"><span>observed</span><b>${observedText(cell)}</b></div>${link}</div></td>`;
}

/** Counts per outcome, in legend order, for the sentence above the matrix. */
export function matrixSummary(cells: readonly MatrixCell[]): [CellOutcome, number][] {
  const counts = new Map<CellOutcome, number>();
  for (const cell of cells) counts.set(cellOutcome(cell), (counts.get(cellOutcome(cell)) ?? 0) + 1);
  return (Object.keys(OUTCOME_WORDS) as CellOutcome[]).filter((o) => counts.has(o)).map((o) => [o, counts.get(o) as number]);
}

/** The documentation's reasons, each once, with the cells it explains. */
function reasonsList(cells: readonly MatrixCell[]): Markup {
  const byReason = new Map<string, MatrixCell[]>();
  for (const cell of cells) if (cell.reason) byReason.set(cell.reason, [...(byReason.get(cell.reason) ?? []), cell]);
  if (byReason.size === 0) return html``;
  const items = [...byReason].map(([reason, explained]) => {
    const where = explained.map((c) => `acks=${c.acks} · minISR=${c.minInsyncReplicas} · unclean=${c.uncleanElection ? "on" : "off"} · ${c.fault}`).join("; ");
    return html`<li><b>${explained[0].predicted.replace("-", " ")}</b>: ${reason} <span class="muted small">(${where})</span></li>`;
  });
  return html`<details><summary>Why the documentation predicts what it does</summary><ul>${items}</ul></details>`;
}

export function matrixSection(cells: readonly MatrixCell[], anchors: Anchors): Markup {
  const faults = FAULT_ORDER.filter((f) => cells.some((c) => c.fault === f));
  const rows = new Map<string, MatrixCell[]>();
  for (const cell of [...cells].sort(rowOrder)) {
    const key = rowKey(cell);
    rows.set(key, [...(rows.get(key) ?? []), cell]);
  }
  const summary = matrixSummary(cells);
  const body = [...rows.values()].map((row) => {
    const first = row[0];
    const header = `acks=${first.acks} · minISR=${first.minInsyncReplicas} · unclean=${first.uncleanElection ? "on" : "off"}`;
    return html`<tr><th class="row" scope="row">${header}</th>${faults.map((fault) => cellMarkup(row.find((c) => c.fault === fault), anchors))}</tr>`;
  });
  return html`<section id="matrix"><h2>Guarantee matrix</h2>
<p class="muted">Each cell pairs what Kafka's documentation predicts for the configuration and fault with what this target did. Where loss is possible it should show (proving the suite can see it); where none is promised, any loss is a violation.</p>
<div class="legend">${summary.map(([o, n]) => html`<span class="cell ${o}" title="${OUTCOME_WORDS[o].meaning}"><span class="verdict-word">${OUTCOME_WORDS[o].word}</span> ${n}</span>`)}</div>
<div class="table-wrap"><table class="grid matrix"><thead><tr><th>configuration</th>${faults.map((f) => html`<th>${f}</th>`)}</tr></thead><tbody>${body}</tbody></table></div>${reasonsList(cells)}</section>`;
}
