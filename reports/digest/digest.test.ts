// The digest pairs operations as Jepsen does, keeps an even bounded sample plus all the evidence,
// and summarises latency and throughput in bounded series.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { HistoryEvent } from "../../harness/history/types.ts";
import { fixtureRun, simulateHistory } from "../test-fixtures.ts";
import { digestHistory } from "./digest.ts";
import { citedOps, digestRun } from "./load.ts";
import { LatencyHistogram, TimeBuckets } from "./series.ts";

const MS = 1_000_000;
let index = 0;
function ev(time: number, process: number | "nemesis", type: HistoryEvent["type"], f: string, value: unknown, extra: object = {}): HistoryEvent {
  return { index: index++, time, process, type, f, value, ...extra } as HistoryEvent;
}

describe("digestHistory", () => {
  it("pairs invocations with completions per process, and closes what never completed", async () => {
    index = 0;
    const events = [
      ev(0, 0, "invoke", "send", [["send", "t-0", 1]]),
      ev(1 * MS, 1, "invoke", "poll", [["poll"]]),
      ev(3 * MS, 0, "ok", "send", [["send", "t-0", [0, 1]]]),
      ev(4 * MS, 0, "invoke", "send", [["send", "t-0", 2]]),
      ev(5 * MS, "nemesis", "info", "start-kill", ["n1"]),
      ev(6 * MS, 1, "fail", "poll", [["poll"]], { error: "NOT_LEADER" }),
      ev(7 * MS, 2, "ok", "poll", [["poll", {}]]),
    ];
    const digest = await digestHistory(events, { evidence: new Set([5, 6]) });
    expect(digest.operations).toBe(4);
    expect(digest.processes).toBe(3);
    expect(digest.nemesisEvents).toBe(1);
    expect(digest.endNs).toBe(7 * MS);
    const [send, poll, open, stray] = digest.drawn;
    expect(send).toMatchObject({ process: 0, type: "ok", invokeIndex: 0, completionIndex: 2, startNs: 0, endNs: 3 * MS, completionValue: [["send", "t-0", [0, 1]]] });
    expect(poll).toMatchObject({ process: 1, type: "fail", error: "NOT_LEADER", endNs: 6 * MS });
    expect(open).toMatchObject({ process: 0, type: "info", completionIndex: -1, endNs: undefined });
    expect(stray).toMatchObject({ process: 2, type: "ok", invokeIndex: -1, completionIndex: 6 });
    expect(digest.evidence.get(5)).toBe(poll);
    expect(digest.evidence.get(1)).toBe(poll);
    expect(digest.evidence.get(6)).toBe(stray);
    const counts = digest.throughput.buckets.reduce((sum, b) => ({ ok: sum.ok + b.ok, fail: sum.fail + b.fail, info: sum.info + b.info }), { ok: 0, fail: 0, info: 0 });
    expect(counts).toEqual({ ok: 2, fail: 1, info: 0 });
  });

  it("treats a second invocation before a completion as the end of the first (info)", async () => {
    index = 0;
    const digest = await digestHistory([ev(0, 0, "invoke", "poll", []), ev(2 * MS, 0, "invoke", "poll", []), ev(3 * MS, 0, "ok", "poll", [])]);
    expect(digest.drawn.map((op) => [op.type, op.startNs, op.endNs])).toEqual([
      ["info", 0, 2 * MS],
      ["ok", 2 * MS, 3 * MS],
    ]);
  });

  it("keeps between maxOps and twice as many operations, evenly, plus every cited one", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 600 }), fc.uniqueArray(fc.nat(1_199), { maxLength: 5 }), async (maxOps, ops, citedList) => {
        index = 0;
        const events: HistoryEvent[] = [];
        for (let i = 0; i < ops; i++) {
          events.push(ev(i * 10, i % 3, "invoke", "send", []), ev(i * 10 + 5, i % 3, "ok", "send", []));
        }
        const cited = new Set(citedList.filter((c) => c < events.length));
        const digest = await digestHistory(events, { maxOps, evidence: cited });
        const sampled = digest.drawn.filter((op) => op.seq % digest.stride === 0);
        expect(digest.operations).toBe(ops);
        expect(sampled.length).toBeLessThan(2 * maxOps);
        if (ops >= maxOps) expect(sampled.length).toBeGreaterThanOrEqual(Math.min(ops, maxOps) - 1);
        expect(sampled.length).toBe(Math.ceil(ops / digest.stride));
        for (const c of cited) expect(digest.evidence.get(c)?.seq).toBe(Math.floor(c / 2));
        expect(digest.drawn.map((op) => op.seq)).toEqual([...digest.drawn.map((op) => op.seq)].sort((a, b) => a - b));
      }),
      { numRuns: 60 },
    );
  });
});

describe("series", () => {
  it("doubles bucket widths to stay within the limit, keeping every count", () => {
    const buckets = new TimeBuckets(() => ({ n: 0 }), (into, from) => (into.n += from.n), 10, 4);
    for (let t = 0; t < 100; t += 5) buckets.at(t).n++;
    expect(buckets.widthNs).toBe(40);
    expect(buckets.buckets.length).toBeLessThanOrEqual(4);
    expect(buckets.buckets.reduce((s, b) => s + b.n, 0)).toBe(20);
    expect(buckets.buckets.map((b) => b.n)).toEqual([8, 8, 4]);
  });

  it("estimates quantiles within the histogram's resolution", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1_000, max: 1e11 }), { minLength: 1, maxLength: 200 }), fc.constantFrom(0.5, 0.9, 0.99), (latencies, q) => {
        const histogram = new LatencyHistogram();
        for (const ns of latencies) histogram.add(ns);
        const sorted = [...latencies].sort((a, b) => a - b);
        const exact = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
        const estimate = histogram.quantile(q) as number;
        expect(estimate / exact).toBeGreaterThan(1 / 1.16);
        expect(estimate / exact).toBeLessThan(1.16);
      }),
      { numRuns: 100 },
    );
    expect(new LatencyHistogram().quantile(0.5)).toBeUndefined();
  });
});

describe("digestRun", () => {
  it("digests each scenario's history and its shrunk one, collecting the cited evidence", async () => {
    const { result, histories } = fixtureRun();
    const digests = await digestRun(result, (path) => histories.get(path) ?? []);
    const lossy = result.scenarios[1];
    const entry = digests.get(lossy.name);
    expect(entry?.history?.operations).toBe(lossy.operations);
    for (const op of citedOps(lossy.check)) expect(entry?.history?.evidence.has(op)).toBe(true);
    for (const op of citedOps(lossy.shrunk!.check)) expect(entry?.shrunk?.evidence.has(op)).toBe(true);
    expect(digests.get(result.scenarios[2].name)).toEqual({});
  });

  it("records why a history could not be read instead of failing", async () => {
    const { result } = fixtureRun();
    const digests = await digestRun(result, () => {
      throw new Error("no such file");
    });
    expect(digests.get(result.scenarios[0].name)).toEqual({ historyError: "no such file" });
  });

  it("handles a long history in bounded memory", async () => {
    const events = simulateHistory({ seed: 3, durationMs: 60_000, producers: 8, consumers: 2, partitions: 4, faults: [] });
    const digest = await digestHistory(events, { maxOps: 500 });
    expect(digest.operations).toBeGreaterThan(5_000);
    expect(digest.drawn.length).toBeLessThan(1_000);
    expect(digest.throughput.buckets.length).toBeLessThanOrEqual(200);
  });
});
