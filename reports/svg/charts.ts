// Latency and throughput over the run as server-side SVG, with the fault windows shaded behind
// them: the two plots Jepsen draws for every test (latency-raw with quantiles, rate).
import type { FaultWindow } from "../../harness/run/result.ts";
import type { HistoryDigest } from "../digest/digest.ts";
import type { OutcomeCounts } from "../digest/series.ts";
import { formatCount, formatLatency } from "../format.ts";
import { html, type Inline, type Markup } from "../markup.ts";
import { GRID, MUTED, OUTCOME_COLORS, faultBands, linear, logarithmic, niceMax, niceTicks, round, svgFrame, timeAxis, type Box } from "./plot.ts";

export interface ChartOptions {
  width?: number;
  height?: number;
}

const OUTCOMES = ["ok", "fail", "info"] as const;
const QUANTILES = [
  { q: 0.5, label: "p50", color: "#334e68" },
  { q: 0.99, label: "p99", color: "#7b3fe4" },
] as const;

function plotBox(width: number, height: number): Box {
  return { left: 64, top: 12, width: width - 64 - 16, height: height - 12 - 48 };
}

function domainEnd(digest: HistoryDigest, faults: readonly FaultWindow[]): number {
  return Math.max(1, digest.endNs, ...faults.map((f) => f.endNs ?? f.startNs));
}

/** Polyline through the points, broken where a point is missing. */
function brokenPath(points: readonly ([number, number] | undefined)[]): string {
  let d = "";
  let pen = false;
  for (const point of points) {
    if (!point) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${round(point[0])} ${round(point[1])}`;
    pen = true;
  }
  return d;
}

function legend(box: Box, items: readonly { label: string; color: string; line?: boolean }[]): Markup {
  const y = box.top + box.height + 38;
  return html`<g class="legend">${items.map((item, i) => {
    const left = box.left + i * 78;
    const mark = item.line
      ? html`<line x1="${left}" x2="${left + 14}" y1="${y - 4}" y2="${y - 4}" stroke="${item.color}" stroke-width="2"/>`
      : html`<circle cx="${left + 6}" cy="${y - 4}" r="4" fill="${item.color}"/>`;
    return html`${mark}<text x="${left + 18}" y="${y}">${item.label}</text>`;
  })}</g>`;
}

function yAxis(box: Box, ticks: readonly number[], y: (v: number) => number, label: (v: number) => string, title: string): Markup {
  return html`<g class="y-axis">${ticks.map(
    (t) => html`<line x1="${box.left}" x2="${box.left + box.width}" y1="${y(t)}" y2="${y(t)}" stroke="${GRID}"/><text x="${box.left - 6}" y="${y(t) + 4}" text-anchor="end" fill="${MUTED}">${label(t)}</text>`,
  )}<text transform="translate(12 ${box.top + box.height / 2}) rotate(-90)" text-anchor="middle" fill="${MUTED}">${title}</text></g>`;
}

/** Latency of each sampled operation at its invocation time, with p50 and p99 per time bucket. */
export function latencySvg(digest: HistoryDigest, faults: readonly FaultWindow[], options: ChartOptions = {}): Markup | undefined {
  const completed = digest.drawn.filter((op) => op.endNs !== undefined && typeof op.process === "number");
  const buckets = digest.latency.buckets;
  const maxNs = Math.max(0, ...buckets.map((b) => b.maxNs));
  if (completed.length === 0 || maxNs <= 0) return undefined;
  const width = options.width ?? 1100;
  const height = options.height ?? 250;
  const box = plotBox(width, height);
  const endNs = domainEnd(digest, faults);
  const x = linear(0, endNs, box.left, box.left + box.width);
  const lowest = Math.min(...completed.map((op) => (op.endNs as number) - op.startNs).filter((ns) => ns > 0), maxNs);
  const lo = 10 ** Math.floor(Math.log10(Math.max(lowest, 1)));
  const hi = 10 ** Math.max(Math.ceil(Math.log10(maxNs)), Math.log10(lo) + 1);
  const y = logarithmic(lo, hi, box.top + box.height, box.top);
  const decades: number[] = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) decades.push(v);

  const dots = completed.map((op) => html`<circle cx="${x(op.startNs)}" cy="${y(Math.max((op.endNs as number) - op.startNs, lo))}" r="1.7" fill="${OUTCOME_COLORS[op.type]}" fill-opacity="0.55"/>`);
  const width_ = digest.latency.widthNs;
  const lines = QUANTILES.map(({ q, color }) => {
    const points = buckets.map((bucket, i) => {
      const value = bucket.quantile(q);
      return value === undefined ? undefined : ([x((i + 0.5) * width_), y(Math.max(value, lo))] as [number, number]);
    });
    return html`<path d="${brokenPath(points)}" fill="none" stroke="${color}" stroke-width="1.6"/>`;
  });
  const body = html`${faultBands(faults, box, endNs, x)}${yAxis(box, decades, y, formatLatency, "latency")}${timeAxis(box, endNs, x)}<g class="points">${dots}</g><g class="quantiles">${lines}</g>${legend(box, [
    ...OUTCOMES.map((type) => ({ label: type, color: OUTCOME_COLORS[type] })),
    ...QUANTILES.map(({ label, color }) => ({ label, color, line: true })),
  ])}`;
  return svgFrame(width, height, "Latency of operations over time (log scale), with fault windows", body, "chart latency-chart");
}

/** Completed operations per second, per outcome, over the run. */
export function throughputSvg(digest: HistoryDigest, faults: readonly FaultWindow[], options: ChartOptions = {}): Markup | undefined {
  const buckets = digest.throughput.buckets;
  if (buckets.every((b) => b.ok + b.fail + b.info === 0)) return undefined;
  const width = options.width ?? 1100;
  const height = options.height ?? 220;
  const box = plotBox(width, height);
  const endNs = domainEnd(digest, faults);
  const x = linear(0, endNs, box.left, box.left + box.width);
  const bucketNs = digest.throughput.widthNs;
  // The last bucket may cover only part of its width: rate it over the time it covers.
  const seconds = (i: number) => Math.max(1e-9, Math.min(bucketNs, endNs - i * bucketNs)) / 1e9;
  const rate = (counts: OutcomeCounts, type: keyof OutcomeCounts, i: number) => counts[type] / seconds(i);
  const top = niceMax(Math.max(...buckets.flatMap((b, i) => OUTCOMES.map((type) => rate(b, type, i)))));
  const y = linear(0, top, box.top + box.height, box.top);
  const series = OUTCOMES.map((type) => {
    const points = buckets.map((b, i) => [x((i + 0.5) * bucketNs), y(rate(b, type, i))] as [number, number]);
    const line = html`<path d="${brokenPath(points)}" fill="none" stroke="${OUTCOME_COLORS[type]}" stroke-width="1.6"/>`;
    const area: Inline = type === "ok" && points.length > 0
      ? html`<path d="${brokenPath(points)}L${points[points.length - 1][0]} ${y(0)}L${points[0][0]} ${y(0)}Z" fill="${OUTCOME_COLORS.ok}" fill-opacity="0.12"/>`
      : "";
    return html`${area}${line}`;
  });
  const body = html`${faultBands(faults, box, endNs, x)}${yAxis(box, niceTicks(0, top, 4), y, (v) => (v >= 10 ? formatCount(v) : String(v)), "ops/s")}${timeAxis(box, endNs, x)}<g class="series">${series}</g>${legend(
    box,
    OUTCOMES.map((type) => ({ label: type, color: OUTCOME_COLORS[type], line: true })),
  )}`;
  return svgFrame(width, height, "Throughput: completed operations per second, with fault windows", body, "chart throughput-chart");
}
