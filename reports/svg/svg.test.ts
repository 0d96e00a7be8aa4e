// The server-side plots: a lane per process, a bar per drawn operation, fault windows shaded and
// labelled, hover titles escaped, standalone well-formed SVG, and no chart when there is no data.
import { describe, expect, it } from "vitest";
import type { FaultWindow } from "../../harness/run/result.ts";
import { digestHistory } from "../digest/digest.ts";
import { xmlProblem } from "../junit/xml-well-formed.ts";
import { HOSTILE, simulateHistory } from "../test-fixtures.ts";
import { latencySvg, throughputSvg } from "./charts.ts";
import { faultColor, niceMax, niceTicks } from "./plot.ts";
import { timelineLanes, timelineNote, timelineSvg } from "./timeline.ts";

const MS = 1_000_000;
const kill: FaultWindow = { fault: "kill", label: `kill ${HOSTILE}`, color: "#c2410c", startNs: 1_000 * MS, endNs: 2_000 * MS, targets: ["node 2"] };
const isolate: FaultWindow = { fault: "partition", label: "isolate", color: "red;stroke:url(x)", startNs: 1_500 * MS, targets: [] };

async function digest(maxOps?: number) {
  const events = simulateHistory({ seed: 5, durationMs: 3_000, producers: 3, consumers: 1, partitions: 2, faults: [kill] });
  return digestHistory(events, { maxOps, evidence: new Set([7]) });
}

describe("timelineSvg", () => {
  it("draws one lane per process and one bar per drawn operation", async () => {
    const d = await digest();
    const svg = timelineSvg(d, [kill, isolate]).text;
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const p of [0, 1, 2, 3]) expect(svg).toContain(`>p${p}</text>`);
    const ops = svg.slice(svg.indexOf('<g class="ops">'), svg.indexOf("</g>", svg.indexOf('<g class="ops">')));
    expect(ops.match(/<rect /g)).toHaveLength(d.drawn.length);
    expect(ops.match(/stroke-width="1.2"/g)).toHaveLength(1);
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("kill &lt;script&gt;");
  });

  it("shades each fault window, never healed ones to the end, with only plain CSS colours", async () => {
    const d = await digest();
    const svg = timelineSvg(d, [kill, isolate]).text;
    const bands = svg.slice(svg.indexOf('<g class="fault-bands">'), svg.indexOf("</g>", svg.indexOf('<g class="fault-bands">')));
    expect(bands.match(/<rect /g)).toHaveLength(2);
    expect(bands).toContain('fill="#c2410c"');
    expect(bands).toContain("never healed");
    expect(svg).not.toContain("url(x)");
    expect(faultColor(isolate)).toBe("#7b8794");
    expect(faultColor({ ...isolate, color: "rgba(10, 20, 30, 0.5)" })).toBe("rgba(10, 20, 30, 0.5)");
  });

  it("says when it shows a sample of a larger history", async () => {
    const all = await digest();
    expect(timelineNote(all, timelineLanes(all))).toMatch(/^All \d+ operations of 4 client processes/);
    const sampled = await digest(20);
    expect(sampled.stride).toBeGreaterThan(1);
    expect(timelineNote(sampled, timelineLanes(sampled))).toMatch(new RegExp(`^Showing \\d+ of ${sampled.operations} operations: every ${sampled.stride}th`));
    const capped = timelineLanes(all, 2);
    expect(capped.lanes).toEqual([0, 1]);
    expect(timelineNote(all, capped)).toContain("2 further processes are not drawn");
  });
});

describe("charts", () => {
  it("plot latency points with quantile lines, and throughput per outcome", async () => {
    const d = await digest();
    const latency = latencySvg(d, [kill])?.text ?? "";
    const throughput = throughputSvg(d, [kill])?.text ?? "";
    expect(xmlProblem(latency)).toBeUndefined();
    expect(xmlProblem(throughput)).toBeUndefined();
    expect(latency.match(/<circle /g)?.length).toBeGreaterThan(d.drawn.length / 2);
    expect(latency.match(/<path d="M/g)).toHaveLength(2);
    expect(throughput.match(/<path d="M[^"]+" fill="none"/g)).toHaveLength(3);
    for (const svg of [latency, throughput]) expect(svg).toContain('fill-opacity="0.13"');
  });

  it("are absent for a history without completed operations", async () => {
    const empty = await digestHistory([]);
    expect(latencySvg(empty, [])).toBeUndefined();
    expect(throughputSvg(empty, [])).toBeUndefined();
  });
});

describe("ticks", () => {
  it("are round numbers covering the range", () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0, 0.7, 4)).toEqual([0, 0.2, 0.4, 0.6]);
    expect(niceMax(173)).toBe(200);
    expect(niceMax(0)).toBe(1);
  });
});
