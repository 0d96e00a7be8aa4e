// Random fault schedules against a three-node cluster in one process (RF=3, min.insync.replicas=2,
// clean elections): whatever the order of writes, pauses, kills and restarts, every write
// acknowledged with acks=all survives, after every write acknowledged before it was sent, and once
// the faults heal every replica holds the same log.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TestCluster, watch, type ProduceOutcome } from "./test-cluster.ts";

const NODES = [1, 2, 3] as const;
const LAG_MS = 5_000;

/** Faults aim at roles, as Jepsen's nemeses do: the partition's leader, or one of its followers. */
type Target = "leader" | "follower";
type Step =
  | { kind: "produce"; acks: -1 | 1 }
  | { kind: "pause" | "kill"; target: Target }
  | { kind: "resume-all" | "restart-all" }
  | { kind: "wait"; ms: number };

const target = fc.constantFrom<Target>("leader", "follower");
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("produce" as const), acks: fc.constantFrom(-1 as const, 1 as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("pause" as const, "kill" as const), target }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("resume-all" as const, "restart-all" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 100, max: 3 * LAG_MS }) }) },
);

async function run(steps: readonly Step[]): Promise<void> {
  const c = await TestCluster.start({ nodes: 3, config: [`replica.lag.time.max.ms=${LAG_MS}`] });
  try {
    await c.createTopic("t", [[1, 2, 3]], { "min.insync.replicas": "2" });
    const paused = new Set<number>();
    const killed = new Set<number>();
    const writes: { value: string; acks: -1 | 1; outcome: () => ProduceOutcome | undefined; after: string[] }[] = [];
    const acknowledged = (acks: -1 | 1) => writes.filter((w) => w.acks === acks && w.outcome()?.error === "NONE");
    /** The node a fault aims at: the leader, or the first follower still running; undefined when there is none. */
    const aim = (t: Target): number | undefined => {
      const leader = c.state("t", 0).leader;
      const running: number[] = NODES.filter((id) => !killed.has(id));
      return t === "leader" ? (running.includes(leader) ? leader : undefined) : running.find((id) => id !== leader);
    };
    for (const [i, s] of steps.entries()) {
      if (s.kind === "produce") {
        const leader = aim("leader");
        if (leader === undefined) continue;
        const value = `v${i}`;
        const produce = watch(c.produce(leader, "t", 0, [value], { acks: s.acks, timeoutMs: 2_000 }));
        writes.push({ value, acks: s.acks, outcome: produce.settled, after: acknowledged(-1).map((w) => w.value) });
        await c.advance(500);
      } else if (s.kind === "pause") {
        const id = aim(s.target);
        if (id === undefined) continue;
        c.network.pause(id);
        paused.add(id);
      } else if (s.kind === "kill") {
        const id = aim(s.target);
        if (id === undefined) continue;
        c.network.resume(id);
        paused.delete(id);
        await c.killNode(id);
        killed.add(id);
      } else if (s.kind === "resume-all") {
        for (const id of paused) c.network.resume(id);
        paused.clear();
      } else if (s.kind === "restart-all") {
        for (const id of killed) await c.startNode(id);
        killed.clear();
      } else if (s.kind === "wait") {
        await c.advance(s.ms, 250);
      }
    }
    // Heal: everyone back and running, then time for the ISR to fill up again.
    for (const id of paused) c.network.resume(id);
    for (const id of killed) await c.startNode(id);
    await c.advance(4 * LAG_MS, 250);

    const leader = c.state("t", 0).leader;
    expect(c.state("t", 0).isr.slice().sort()).toEqual([1, 2, 3]);
    const log = c.storedValues(leader, "t", 0);
    const ackedByAll = acknowledged(-1);
    expect(ackedByAll.filter((w) => !log.includes(w.value)).map((w) => w.value)).toEqual([]);
    for (const w of ackedByAll) for (const earlier of w.after) expect(log.indexOf(earlier)).toBeLessThan(log.indexOf(w.value));
    for (const id of NODES) expect(c.storedValues(id, "t", 0)).toEqual(log);
    expect(new Set(log).size).toBe(log.length);
  } finally {
    await c.shutdown();
  }
}

describe("replication under random faults", () => {
  it("never loses an acks=all write with clean elections, and converges every replica once healed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
        await run(steps);
      }),
      {
        numRuns: 40,
        examples: [[[{ kind: "pause", target: "follower" }, { kind: "produce", acks: -1 }, { kind: "kill", target: "leader" }, { kind: "restart-all" }, { kind: "produce", acks: -1 }]]],
      },
    );
  }, 120_000);
});
