// The progress display: one line redrawn in place on a terminal, a plain line per phase and
// scenario elsewhere, nothing when quiet; driven by events and an injected clock.
import { describe, expect, it } from "vitest";
import { Progress } from "./progress.ts";
import { fitToWidth, statusLine } from "./status-line.ts";

function terminal(columns = 200) {
  const writes: string[] = [];
  return { writes, stream: { isTTY: true, columns, write: (chunk: string) => writes.push(chunk) } };
}

function pipe() {
  const writes: string[] = [];
  return { writes, stream: { write: (chunk: string) => writes.push(chunk) } };
}

describe("Progress on a terminal", () => {
  it("redraws one status line in place with phase, scenario, rate, faults and times", () => {
    let now = 0;
    const { writes, stream } = terminal();
    const progress = new Progress({ stream, now: () => now, redrawMs: 0 });
    progress.phase("chaos");
    progress.scenario("leader-kill", { index: 3, total: 8, expectedMs: 70_000 });
    progress.fault("start", "kill n2");
    for (let i = 0; i < 40; i++) {
      now += 250;
      progress.ops(50);
    }
    const last = writes[writes.length - 1];
    expect(last.startsWith("\r\x1b[2K")).toBe(true);
    expect(last).not.toContain("\n");
    expect(last).toBe("\r\x1b[2Kchaos · scenario 3/8 leader-kill · 200 ops/s · 2,000 ops · faults: kill n2 · 00:10 elapsed · ~01:00 left");
  });

  it("counts repeated faults and forgets healed ones", () => {
    const { writes, stream } = terminal();
    const progress = new Progress({ stream, now: () => 0, redrawMs: 0 });
    progress.phase("chaos");
    progress.fault("start", "pause");
    progress.fault("start", "pause");
    progress.fault("start", "latency");
    expect(writes[writes.length - 1]).toContain("faults: pause ×2, latency");
    progress.fault("stop", "pause");
    progress.fault("stop", "latency");
    expect(writes[writes.length - 1]).toContain("faults: pause ·");
    progress.fault("stop", "pause");
    expect(writes[writes.length - 1]).toContain("no faults");
  });

  it("draws operations at most every 100 ms, and leaves a line per finished phase and at the end", () => {
    let now = 0;
    const { writes, stream } = terminal();
    const progress = new Progress({ stream, now: () => now, redrawMs: 0 });
    progress.phase("specs");
    const before = writes.length;
    for (let i = 0; i < 10; i++) {
      now += 10;
      progress.ops();
    }
    expect(writes.length - before).toBe(1);
    now = 12_000;
    progress.phase("chaos");
    expect(writes).toContain("\r\x1b[2Kspecs done in 00:12\n");
    progress.done("report: runs/x/report.html");
    progress.done("twice");
    progress.ops(5);
    expect(writes[writes.length - 1]).toBe("\r\x1b[2Kdone in 00:12 · 10 ops · report: runs/x/report.html\n");
  });

  it("never wraps: the line is cut to the terminal's width", () => {
    const { writes, stream } = terminal(40);
    new Progress({ stream, now: () => 0, redrawMs: 0 }).scenario("a-scenario-with-a-rather-long-name");
    for (const w of writes) expect(w.replace("\r\x1b[2K", "").length).toBeLessThan(40);
  });

  it("redraws on a timer so elapsed time moves without events, and stops at done", async () => {
    const { writes, stream } = terminal();
    const progress = new Progress({ stream, redrawMs: 5 });
    progress.phase("chaos");
    const before = writes.length;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(writes.length).toBeGreaterThan(before);
    progress.done();
    const after = writes.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(writes.length).toBe(after);
  });
});

describe("Progress elsewhere", () => {
  it("prints a plain line per phase and scenario, and none for operations or faults", () => {
    let now = 0;
    const { writes, stream } = pipe();
    const progress = new Progress({ stream, now: () => now });
    progress.phase("chaos", { expectedMs: 90_000 });
    progress.scenario("leader-kill", { index: 1, total: 2 });
    progress.ops(1_000);
    progress.fault("start", "kill");
    now = 61_000;
    progress.done();
    expect(writes).toEqual(["kconform: chaos (about 01:30)\n", "kconform: scenario 1/2 leader-kill\n", "kconform: done in 01:01 · 1,000 ops\n"]);
  });

  it("names a spec as a spec", () => {
    const { writes, stream } = pipe();
    const progress = new Progress({ stream, now: () => 0 });
    progress.phase("specs");
    progress.scenario("ordering-within-partition", { kind: "spec", index: 2, total: 12 });
    expect(writes).toEqual(["kconform: specs\n", "kconform: spec 2/12 ordering-within-partition\n"]);
  });

  it("prints nothing when quiet", () => {
    const { writes, stream } = pipe();
    const progress = new Progress({ stream, quiet: true });
    progress.phase("chaos");
    progress.scenario("x");
    progress.done();
    expect(writes).toEqual([]);
  });
});

describe("statusLine", () => {
  it("shows the phase's remaining time when no scenario estimate is known", () => {
    const line = statusLine({ startedAtMs: 0, phase: "specs", phaseEndsAtMs: 30_000, faults: new Map(), totalOps: 0, opsPerSecond: 0 }, 5_000);
    expect(line).toBe("specs · 0 ops/s · 0 ops · no faults · 00:05 elapsed · ~00:25 left");
    expect(fitToWidth("x".repeat(50), 20)).toBe(`${"x".repeat(18)}…`);
    expect(fitToWidth("short", undefined)).toBe("short");
  });
});
