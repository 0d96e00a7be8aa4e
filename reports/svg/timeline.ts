// The timeline of a history, after Jepsen's timeline.html but as server-side SVG: one lane per
// client process, each operation a bar from invocation to completion coloured by outcome, its
// details in a hover title, and the fault windows shaded across all lanes. Needs no JavaScript.
import type { FaultWindow } from "../../harness/run/result.ts";
import type { DrawnOp, HistoryDigest } from "../digest/digest.ts";
import { compactJson, formatCount, formatLatency, formatRunTime } from "../format.ts";
import { html, type Markup } from "../markup.ts";
import { INK, MUTED, OUTCOME_COLORS, clamp, faultBands, faultColor, faultEnd, faultTitle, linear, svgFrame, timeAxis, type Box } from "./plot.ts";

export interface TimelineOptions {
  width?: number;
  /** Lanes drawn at most; operations of further processes are left out (and the note says so). */
  maxLanes?: number;
}

const FAULT_ROW = 17;
const LABEL_WIDTH = 64;

export interface TimelineLayout {
  lanes: number[];
  /** Processes beyond `maxLanes`, not drawn. */
  hiddenLanes: number;
  drawnOps: number;
}

/** The processes the timeline draws a lane for, in numeric order. */
export function timelineLanes(digest: HistoryDigest, maxLanes = 100): TimelineLayout {
  const processes = [...new Set(digest.drawn.map((op) => op.process).filter((p): p is number => typeof p === "number"))].sort((a, b) => a - b);
  const lanes = processes.slice(0, maxLanes);
  const shown = new Set(lanes);
  return { lanes, hiddenLanes: processes.length - lanes.length, drawnOps: digest.drawn.filter((op) => shown.has(op.process as number)).length };
}

/** One sentence on what the timeline shows of the history: all of it, or which sample. */
export function timelineNote(digest: HistoryDigest, layout: TimelineLayout): string {
  const parts: string[] = [];
  if (digest.stride > 1) {
    parts.push(`Showing ${formatCount(layout.drawnOps)} of ${formatCount(digest.operations)} operations: every ${formatCount(digest.stride)}th, plus every operation cited as evidence.`);
  } else {
    parts.push(`All ${formatCount(layout.drawnOps)} operations of ${formatCount(digest.processes)} client process${digest.processes === 1 ? "" : "es"}.`);
  }
  if (layout.hiddenLanes > 0) parts.push(`${formatCount(layout.hiddenLanes)} further processes are not drawn.`);
  parts.push("Hover over an operation for its details; outlined operations are cited as evidence.");
  return parts.join(" ");
}

export function timelineSvg(digest: HistoryDigest, faults: readonly FaultWindow[], options: TimelineOptions = {}): Markup {
  const width = options.width ?? 1100;
  const layout = timelineLanes(digest, options.maxLanes);
  const endNs = Math.max(1, digest.endNs, ...faults.map((f) => f.endNs ?? f.startNs));
  const rows = packFaults(faults, endNs);
  const faultRows = rows.length === 0 ? 0 : Math.max(...rows) + 1;
  const laneHeight = clamp(Math.floor(440 / Math.max(1, layout.lanes.length)), 7, 18);
  const box: Box = { left: LABEL_WIDTH, top: 8 + faultRows * FAULT_ROW + (faultRows > 0 ? 4 : 0), width: width - LABEL_WIDTH - 16, height: Math.max(1, layout.lanes.length) * laneHeight };
  const height = box.top + box.height + 46;
  const x = linear(0, endNs, box.left, box.left + box.width);
  const laneOf = new Map(layout.lanes.map((p, i) => [p, i]));
  const cited = new Set(digest.evidence.values());

  const laneLabelStep = Math.ceil(12 / laneHeight);
  const lanes = layout.lanes.map((process, i) => {
    const y = box.top + i * laneHeight;
    const stripe = i % 2 === 1 ? html`<rect x="${box.left}" y="${y}" width="${box.width}" height="${laneHeight}" fill="#f5f7fa"/>` : "";
    const label = i % laneLabelStep === 0 ? html`<text x="${box.left - 6}" y="${y + laneHeight / 2 + 4}" text-anchor="end" fill="${MUTED}">p${process}</text>` : "";
    return html`${stripe}${label}`;
  });

  const bars = digest.drawn.map((op) => {
    const lane = laneOf.get(op.process as number);
    if (lane === undefined) return "";
    const from = x(op.startNs);
    const to = x(op.endNs ?? endNs);
    const y = box.top + lane * laneHeight + 1;
    const outline = cited.has(op) ? html` stroke="${INK}" stroke-width="1.2"` : "";
    const open = op.endNs === undefined ? html` fill-opacity="0.45"` : "";
    return html`<rect x="${from}" y="${y}" width="${Math.max(1.5, to - from)}" height="${laneHeight - 2}" fill="${OUTCOME_COLORS[op.type]}"${open}${outline}><title>${opTitle(op)}</title></rect>`;
  });

  const faultBars = faults.map((fault, i) => {
    const from = x(fault.startNs);
    const to = x(faultEnd(fault, endNs));
    const y = 8 + rows[i] * FAULT_ROW;
    const label = fitLabel(fault.label, to - from - 8);
    const text = label ? html`<text x="${from + 4}" y="${y + 10}" fill="#ffffff" font-size="10">${label}</text>` : "";
    return html`<g><rect x="${from}" y="${y}" width="${Math.max(2, to - from)}" height="${FAULT_ROW - 3}" rx="2" fill="${faultColor(fault)}" fill-opacity="0.85"/>${text}<title>${faultTitle(fault)}</title></g>`;
  });
  const faultLabel = faultRows > 0 ? html`<text x="${box.left - 6}" y="${8 + 10}" text-anchor="end" fill="${MUTED}">faults</text>` : "";

  const legendY = box.top + box.height + 36;
  const legend = (["ok", "fail", "info"] as const).map(
    (type, i) => html`<rect x="${box.left + i * 70}" y="${legendY - 9}" width="12" height="10" fill="${OUTCOME_COLORS[type]}"/><text x="${box.left + i * 70 + 16}" y="${legendY}">${type}</text>`,
  );
  const body = html`${faultBands(faults, box, endNs, x)}${lanes}${timeAxis(box, endNs, x)}<g class="ops">${bars}</g>${faultLabel}<g class="faults">${faultBars}</g><g class="legend">${legend}<rect x="${box.left + 214}" y="${legendY - 9}" width="12" height="10" fill="#ffffff" stroke="${INK}" stroke-width="1.2"/><text x="${box.left + 230}" y="${legendY}">cited as evidence</text></g>`;
  return svgFrame(width, height, "Timeline of operations per client process, with fault windows", body, "timeline");
}

/** The label cut to fit `width` units at 10 px type (about 5.8 units a character), or nothing. */
function fitLabel(label: string, width: number): string {
  const chars = Math.floor(width / 5.8);
  if (chars >= label.length) return label;
  return chars < 4 ? "" : `${label.slice(0, chars - 1)}…`;
}

/** Rows for overlapping fault windows, first fit: row i of `faults` is `rows[i]`. */
function packFaults(faults: readonly FaultWindow[], endNs: number): number[] {
  const rowEnds: number[] = [];
  return faults.map((fault) => {
    // A label needs room: treat very short windows as lasting 3 % of the run.
    const end = Math.max(faultEnd(fault, endNs), fault.startNs + endNs * 0.03);
    let row = rowEnds.findIndex((rowEnd) => rowEnd <= fault.startNs);
    if (row === -1) row = rowEnds.push(end) - 1;
    else rowEnds[row] = end;
    return row;
  });
}

/** The hover text of an operation: what it was, how it ended, how long it took. */
function opTitle(op: DrawnOp): string {
  const index = op.completionIndex >= 0 ? op.completionIndex : op.invokeIndex;
  const latency = op.endNs === undefined ? "never completed" : formatLatency(op.endNs - op.startNs);
  const lines = [`op ${index} · process ${op.process} · ${op.f} ${op.type} · ${latency} · at ${formatRunTime(op.startNs)}`];
  if (op.invokeValue !== undefined) lines.push(`invoke: ${compactJson(op.invokeValue, 300)}`);
  if (op.completionValue !== undefined) lines.push(`${op.type}: ${compactJson(op.completionValue, 300)}`);
  if (op.error !== undefined) lines.push(`error: ${op.error.slice(0, 300)}`);
  return lines.join("\n");
}
