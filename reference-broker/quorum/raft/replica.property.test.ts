// Raft's safety under random faults, as a fast-check property over whole simulated runs: crashes
// and restarts (disks keep only what was fsync'd), partitions, message loss, proposals at any
// moment, snapshots. After every step: at most one leader per epoch, and every node's applied
// sequence is a prefix of one sequence (committed entries are never lost, changed or reordered).
// After the faults heal, a leader exists, everyone converges, and a new proposal commits everywhere.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SimCluster } from "./sim-cluster.ts";

type Step =
  | { kind: "advance"; ms: number }
  | { kind: "propose" }
  | { kind: "crash"; node: number }
  | { kind: "restart"; node: number }
  | { kind: "isolate"; node: number }
  | { kind: "split"; node: number }
  | { kind: "heal" }
  | { kind: "drop"; rate: number };

const VOTERS = [1, 2, 3, 4, 5];
const node = fc.constantFrom(...VOTERS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 10, max: 1_500 }).map((ms) => ({ kind: "advance" as const, ms })) },
  { weight: 4, arbitrary: fc.constant({ kind: "propose" as const }) },
  { weight: 1, arbitrary: node.map((n) => ({ kind: "crash" as const, node: n })) },
  { weight: 1, arbitrary: node.map((n) => ({ kind: "restart" as const, node: n })) },
  { weight: 1, arbitrary: node.map((n) => ({ kind: "isolate" as const, node: n })) },
  { weight: 1, arbitrary: node.map((n) => ({ kind: "split" as const, node: n })) },
  { weight: 1, arbitrary: fc.constant({ kind: "heal" as const }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0.1, 0.3).map((rate) => ({ kind: "drop" as const, rate })) },
);

function checkSafety(cluster: SimCluster): void {
  for (const [epoch, leaders] of cluster.leadersByEpoch) {
    if (leaders.size > 1) throw new Error(`epoch ${epoch} had leaders ${[...leaders].join(", ")}`);
  }
  if (cluster.divergence) throw new Error(cluster.divergence);
}

function run(seed: number, steps: Step[], snapshotEvery: number): void {
  const cluster = new SimCluster({ voters: VOTERS, observers: [11], seed, snapshotEvery });
  let nextValue = 1;
  for (const s of steps) {
    switch (s.kind) {
      case "advance":
        cluster.advance(s.ms);
        break;
      case "propose":
        if (cluster.propose(nextValue)) nextValue++;
        break;
      case "crash":
        cluster.crash(s.node);
        break;
      case "restart":
        cluster.start(s.node);
        break;
      case "isolate":
        cluster.cutNode(s.node);
        break;
      case "split":
        cluster.partition(VOTERS.filter((v) => v <= s.node), [...VOTERS.filter((v) => v > s.node), 11]);
        break;
      case "heal":
        cluster.healAll();
        break;
      case "drop":
        cluster.dropRate = s.rate;
        break;
    }
    checkSafety(cluster);
  }
  // Heal everything and let the quorum settle: it must converge and make progress again.
  cluster.healAll();
  cluster.dropRate = 0;
  for (const id of [...VOTERS, 11]) cluster.start(id);
  cluster.advance(10_000);
  const leader = cluster.leader();
  if (!leader) throw new Error("no leader 10 s after every fault healed");
  if (!cluster.propose(nextValue)) throw new Error("the leader refused a proposal");
  cluster.advance(2_000);
  checkSafety(cluster);
  const expected = cluster.applied(leader.nodeId);
  if (expected.at(-1) !== nextValue) throw new Error(`the final proposal ${nextValue} did not commit on the leader: ${expected.join(",")}`);
  for (const id of [...VOTERS, 11]) expect(cluster.applied(id), `node ${id}`).toEqual(expected);
  expect(expected).toEqual(cluster.committed);
}

describe("Raft safety under faults", () => {
  it("one leader per epoch; committed entries never lost or reordered; all converge", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.array(step, { minLength: 5, maxLength: 40 }), fc.constantFrom(0, 4), (seed, steps, snapshotEvery) =>
        run(seed, steps, snapshotEvery),
      ),
      { numRuns: 60 },
    );
  });
});
