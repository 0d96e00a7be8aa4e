// The parts every server-side plot shares: scales, tick positions, the time axis, the frame of a
// standalone SVG and the fault windows shaded behind the data. Drawn with presentation
// attributes only, so each SVG also stands alone (as an Allure attachment, or opened by itself).
import type { FaultWindow } from "../../harness/run/result.ts";
import { formatRunTime } from "../format.ts";
import { html, type Inline, type Markup } from "../markup.ts";

const FONT = "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
export const INK = "#1f2933";
export const MUTED = "#616e7c";
export const GRID = "#e4e7eb";
export const OUTCOME_COLORS = { ok: "#2f9e62", fail: "#d64545", info: "#e09b1a" } as const;

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Maps [domainMin, domainMax] onto [rangeMin, rangeMax]. */
export function linear(domainMin: number, domainMax: number, rangeMin: number, rangeMax: number): (v: number) => number {
  const span = domainMax - domainMin || 1;
  return (v) => round(rangeMin + ((v - domainMin) / span) * (rangeMax - rangeMin));
}

/** Same, on log10 of the values (which must be positive). */
export function logarithmic(domainMin: number, domainMax: number, rangeMin: number, rangeMax: number): (v: number) => number {
  const scale = linear(Math.log10(domainMin), Math.log10(domainMax), rangeMin, rangeMax);
  return (v) => scale(Math.log10(Math.max(v, domainMin)));
}

/** About `count` round tick values (1, 2 or 5 × 10ⁿ apart) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Round upper bound for a linear axis starting at 0. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const ticks = niceTicks(0, max, 5);
  const last = ticks[ticks.length - 1];
  return last >= max ? last : last + (ticks[1] - ticks[0]);
}

/** A standalone SVG: fixed view box, white background, readable without any style sheet. */
export function svgFrame(width: number, height: number, label: string, body: Inline, cssClass: string): Markup {
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="${cssClass}" role="img" aria-label="${label}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="${FONT}" font-size="11" fill="${INK}"><title>${label}</title><rect width="${width}" height="${height}" fill="#ffffff"/>${body}</svg>`;
}

/** Time axis under `box`: vertical grid lines and labels in seconds since the run started. */
export function timeAxis(box: Box, endNs: number, x: (ns: number) => number): Markup {
  const ticks = niceTicks(0, endNs / 1e9, Math.max(2, Math.round(box.width / 110)));
  const bottom = box.top + box.height;
  return html`<g class="time-axis">${ticks.map(
    (s) => html`<line x1="${x(s * 1e9)}" x2="${x(s * 1e9)}" y1="${box.top}" y2="${bottom}" stroke="${GRID}"/><text x="${x(s * 1e9)}" y="${bottom + 14}" text-anchor="middle" fill="${MUTED}">${formatRunTime(s * 1e9)}</text>`,
  )}<line x1="${box.left}" x2="${box.left + box.width}" y1="${bottom}" y2="${bottom}" stroke="${MUTED}"/></g>`;
}

const CSS_COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,20}|(rgb|hsl)a?\([0-9.,%\s]+\))$/i;

/** The fault's own colour when it is a plain CSS colour, otherwise a neutral one. */
export function faultColor(fault: FaultWindow): string {
  return CSS_COLOR.test(fault.color) ? fault.color : "#7b8794";
}

/** When a fault ended on this plot: its heal, or the plot's end when it was never healed. */
export function faultEnd(fault: FaultWindow, endNs: number): number {
  return fault.endNs ?? Math.max(endNs, fault.startNs);
}

export function faultTitle(fault: FaultWindow): string {
  const healed = fault.endNs === undefined ? "never healed" : `healed at ${formatRunTime(fault.endNs)}`;
  const targets = fault.targets.length > 0 ? ` on ${fault.targets.join(", ")}` : "";
  return `${fault.label}${targets}: from ${formatRunTime(fault.startNs)}, ${healed}`;
}

/** Fault windows as translucent bands over `box`. */
export function faultBands(faults: readonly FaultWindow[], box: Box, endNs: number, x: (ns: number) => number): Markup {
  return html`<g class="fault-bands">${faults.map((fault) => {
    const from = clamp(x(fault.startNs), box.left, box.left + box.width);
    const to = clamp(x(faultEnd(fault, endNs)), box.left, box.left + box.width);
    return html`<rect x="${from}" y="${box.top}" width="${Math.max(2, to - from)}" height="${box.height}" fill="${faultColor(fault)}" fill-opacity="0.13"><title>${faultTitle(fault)}</title></rect>`;
  })}</g>`;
}

export function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, v));
}

/** Coordinates to a tenth of a unit, so the SVG text stays short. */
export function round(v: number): number {
  return Math.round(v * 10) / 10;
}
