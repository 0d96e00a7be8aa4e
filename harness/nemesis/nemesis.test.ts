// The nemesis on an in-memory cluster: faults start at their time on the nodes their role names
// and stop when their window ends, each step in the history; faults this cluster cannot have are
// refused and said once; heal-at-end brings back whatever a cut-short run left broken.
import { describe, expect, it } from "vitest";
import type { HistoryEvent, NewHistoryEvent } from "../history/types.ts";
import { FakeCluster } from "../run/test-kit.ts";
import type { ScheduledFault } from "../run/result.ts";
import type { NemesisContext } from "./fault.ts";
import { Nemesis } from "./nemesis.ts";

function setup(schedule: readonly ScheduledFault[], overrides: Partial<NemesisContext> = {}) {
  const cluster = new FakeCluster({ nodes: 3 });
  cluster.topics.set("t", 3);
  const events: HistoryEvent[] = [];
  const started = performance.now();
  const said: string[] = [];
  const nemesis = new Nemesis({
    context: { cluster, topic: "t", observe: async () => cluster.view("t"), networkUnavailable: "not in tests", ...overrides },
    record: (event: NewHistoryEvent) => {
      const full = { ...event, index: events.length, time: Math.round((performance.now() - started) * 1e6) } as HistoryEvent;
      events.push(full);
      return full;
    },
    elapsedMs: () => performance.now() - started,
    say: (message) => said.push(message),
  });
  return { cluster, events, nemesis, said, run: () => nemesis.run(schedule) };
}

const brief = (fault: string, target: string, atMs: number, params: Record<string, unknown> = {}): ScheduledFault => ({ atMs, durationMs: 20, fault, target, params });

describe("Nemesis", () => {
  it("kills the leader its target names, restarts it at the end of the window, and records both", async () => {
    const { cluster, events, nemesis, run } = setup([brief("kill", "leader:1", 5)]);
    const killed: number[] = [];
    const leader = cluster.nodes[1];
    const kill = leader.kill.bind(leader);
    leader.kill = async () => {
      killed.push(leader.nodeId);
      await kill();
    };
    await run();
    expect(killed).toEqual([2]);
    expect(leader.running).toBe(true);
    expect(events.map((e) => `${e.f}:${e.type}`)).toEqual(["start-kill:invoke", "start-kill:info", "stop-kill:invoke", "stop-kill:info"]);
    expect(events[1].value).toMatchObject({ target: "leader:1", nodes: [2], targets: ["node 2"] });
    const [window] = nemesis.faultWindows;
    expect(window).toMatchObject({ fault: "kill", label: "SIGKILL", targets: ["node 2"] });
    expect(window.endNs).toBeGreaterThanOrEqual(window.startNs + 15e6);
  });

  it("refuses faults the context cannot inject, says so once, and carries on", async () => {
    const { events, nemesis, said, run } = setup([brief("partition-isolate", "leader:0", 0), brief("latency", "all", 1), brief("partition-isolate", "node:1", 2), brief("pause", "random", 3)]);
    await run();
    const failed = events.filter((e) => e.type === "fail");
    expect(failed.map((e) => e.f)).toEqual(["start-partition-isolate", "start-latency", "start-partition-isolate"]);
    expect(failed[0].error).toMatch(/unavailable: not in tests/);
    expect(failed[1].error).toMatch(/no Toxiproxy/);
    expect(said).toHaveLength(2);
    expect(nemesis.notes).toHaveLength(2);
    expect(nemesis.faultWindows.map((w) => w.fault)).toEqual(["pause"]);
  });

  it("records a target that resolves to nobody as a failed start", async () => {
    const { events, run } = setup([brief("kill", "node:9", 0)]);
    await run();
    expect(events.map((e) => `${e.f}:${e.type}`)).toEqual(["start-kill:invoke", "start-kill:fail"]);
    expect(events[1].error).toMatch(/node 9/);
  });

  it("heals at the end what an aborted run left: stops running faults, restarts and resumes every node", async () => {
    const { cluster, events, nemesis } = setup([{ atMs: 0, durationMs: 60_000, fault: "kill", target: "node:3" }]);
    const abort = new AbortController();
    const running = nemesis.run([{ atMs: 0, durationMs: 60_000, fault: "kill", target: "node:3" }], abort.signal);
    while (cluster.nodes[2].running) await new Promise((resolve) => setTimeout(resolve, 1));
    cluster.nodes[0].paused = true;
    abort.abort();
    await running;
    expect(await nemesis.healAll()).toEqual([]);
    expect(cluster.nodes.every((node) => node.running && !node.paused)).toBe(true);
    expect(events.map((e) => `${e.f}:${e.type}`).slice(-4)).toEqual(["stop-kill:invoke", "stop-kill:info", "heal-all:invoke", "heal-all:info"]);
    expect(nemesis.faultWindows[0].endNs).toBeDefined();
  });
});

describe("Nemesis timing", () => {
  it("gives a fault its full window even when the one before it overran", async () => {
    const { cluster, nemesis, run } = setup([
      { atMs: 0, durationMs: 10, fault: "restart", target: "node:1" },
      { atMs: 20, durationMs: 40, fault: "pause", target: "node:2" },
    ]);
    const slow = cluster.nodes[0];
    slow.restart = async () => {
      await new Promise((resolve) => setTimeout(resolve, 80));
    };
    await run();
    const [restart, pause] = nemesis.faultWindows;
    expect(restart.fault).toBe("restart");
    expect(pause.startNs).toBeGreaterThanOrEqual(restart.endNs!);
    expect(pause.endNs! - pause.startNs).toBeGreaterThanOrEqual(35e6);
  });
});
