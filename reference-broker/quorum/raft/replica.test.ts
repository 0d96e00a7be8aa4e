// The Raft core in fixed scenarios on the simulated network: elections, commit, failover, a
// diverging tail truncated, snapshots fetched by a node that fell behind, votes that survive a crash,
// observers that find and follow the leader, and a graceful hand-over.
import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../protocol/errors.ts";
import { SimCluster } from "./sim-cluster.ts";

function settle(cluster: SimCluster, ms = 3_000): void {
  cluster.advance(ms);
}

function proposeAll(cluster: SimCluster, values: number[]): void {
  for (const value of values) {
    expect(cluster.propose(value)).toBe(true);
    cluster.advance(50);
  }
}

describe("RaftReplica", () => {
  it("elects one leader among three voters and commits entries on all of them", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], seed: 1 });
    settle(cluster, 2_000);
    const leader = cluster.leader();
    expect(leader).toBeDefined();
    expect([1, 2, 3].filter((id) => cluster.replica(id)!.isLeader)).toHaveLength(1);
    proposeAll(cluster, [10, 11, 12]);
    settle(cluster, 500);
    for (const id of [1, 2, 3]) expect(cluster.applied(id)).toEqual([10, 11, 12]);
    for (const id of [1, 2, 3]) expect(cluster.replica(id)!.leader).toEqual({ leaderId: leader!.nodeId, leaderEpoch: leader!.epoch });
  });

  it("a single voter leads at once and commits alone", () => {
    const cluster = new SimCluster({ voters: [7], seed: 2 });
    expect(cluster.replica(7)!.isLeader).toBe(true);
    proposeAll(cluster, [1]);
    expect(cluster.applied(7)).toEqual([1]);
  });

  it("elects a new leader when the leader dies, keeping every committed entry", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], seed: 3 });
    settle(cluster);
    proposeAll(cluster, [1, 2, 3]);
    settle(cluster, 300);
    const first = cluster.leader()!;
    cluster.crash(first.nodeId);
    settle(cluster, 3_000);
    const second = cluster.leader()!;
    expect(second.nodeId).not.toBe(first.nodeId);
    expect(second.epoch).toBeGreaterThan(first.epoch);
    proposeAll(cluster, [4]);
    settle(cluster, 300);
    const survivors = [1, 2, 3].filter((id) => id !== first.nodeId);
    for (const id of survivors) expect(cluster.applied(id)).toEqual([1, 2, 3, 4]);
    cluster.start(first.nodeId);
    settle(cluster);
    expect(cluster.applied(first.nodeId)).toEqual([1, 2, 3, 4]);
    expect(cluster.divergence).toBeUndefined();
  });

  it("truncates the uncommitted tail of an isolated old leader once it rejoins", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], seed: 4 });
    settle(cluster);
    proposeAll(cluster, [1]);
    settle(cluster, 300);
    const old = cluster.leader()!;
    cluster.cutNode(old.nodeId);
    // Appended while isolated: never committed, must disappear.
    old.append(Buffer.from("666"));
    old.append(Buffer.from("667"));
    settle(cluster, 3_000);
    const next = cluster.leader()!;
    expect(next.nodeId).not.toBe(old.nodeId);
    proposeAll(cluster, [2, 3, 4]);
    cluster.healAll();
    settle(cluster, 3_000);
    for (const id of [1, 2, 3]) expect(cluster.applied(id)).toEqual([1, 2, 3, 4]);
    expect(cluster.replica(old.nodeId)!.log.endOffset).toBe(next.log.endOffset);
    expect(cluster.divergence).toBeUndefined();
  });

  it("a leader cut off from the majority resigns (check-quorum)", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], seed: 5 });
    settle(cluster);
    const old = cluster.leader()!;
    cluster.cutNode(old.nodeId);
    settle(cluster, 2_000);
    expect(old.isLeader).toBe(false);
  });

  it("a node that missed a snapshotted prefix catches up by FetchSnapshot", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], seed: 6, snapshotEvery: 3 });
    settle(cluster);
    const lagging = [1, 2, 3].find((id) => !cluster.replica(id)!.isLeader)!;
    cluster.crash(lagging);
    proposeAll(cluster, [1, 2, 3, 4, 5, 6, 7, 8]);
    settle(cluster, 300);
    expect(cluster.leader()!.log.startOffset).toBeGreaterThan(0);
    cluster.start(lagging);
    settle(cluster);
    expect(cluster.applied(lagging)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(cluster.replica(lagging)!.log.latestSnapshot).toBeDefined();
  });

  it("never grants a second vote in an epoch, not even after a crash", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], seed: 7 });
    cluster.crash(1);
    cluster.crash(3);
    const voter = cluster.replica(2)!;
    const ask = (candidateId: number) => {
      let granted: boolean | undefined;
      voter.handle("vote", { candidateEpoch: 5, candidateId, lastOffsetEpoch: 0, lastOffset: 0 }, (r) => (granted = r.voteGranted));
      return granted;
    };
    expect(ask(1)).toBe(true);
    cluster.crash(2);
    cluster.start(2);
    let answer: { voteGranted: boolean; errorCode: number } | undefined;
    cluster.replica(2)!.handle("vote", { candidateEpoch: 5, candidateId: 3, lastOffsetEpoch: 0, lastOffset: 0 }, (r) => (answer = r));
    expect(answer).toMatchObject({ voteGranted: false, errorCode: ErrorCode.NONE });
  });

  it("refuses a vote to a candidate whose log is behind", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], seed: 8 });
    settle(cluster);
    proposeAll(cluster, [1, 2]);
    settle(cluster, 300);
    const follower = [1, 2, 3].map((id) => cluster.replica(id)!).find((r) => !r.isLeader)!;
    let granted: boolean | undefined;
    follower.handle("vote", { candidateEpoch: follower.epoch + 1, candidateId: 1, lastOffsetEpoch: 0, lastOffset: 0 }, (r) => (granted = r.voteGranted));
    expect(granted).toBe(false);
  });

  it("observers find the leader, follow it, and never count toward commit", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], observers: [11, 12], seed: 9 });
    settle(cluster);
    proposeAll(cluster, [5, 6]);
    settle(cluster, 500);
    for (const id of [11, 12]) {
      expect(cluster.applied(id)).toEqual([5, 6]);
      expect(cluster.replica(id)!.isVoter).toBe(false);
    }
    const leader = cluster.leader()!;
    for (const id of [1, 2, 3]) if (id !== leader.nodeId) cluster.crash(id);
    expect(cluster.propose(7)).toBe(true);
    settle(cluster, 200);
    expect(cluster.applied(leader.nodeId)).toEqual([5, 6]);
    expect(leader.describe()!.observers.map((o) => o.replicaId).sort()).toEqual([11, 12]);
  });

  it("a stopping leader hands over at once with EndQuorumEpoch", () => {
    const cluster = new SimCluster({ voters: [1, 2, 3], seed: 10 }, { electionTimeoutMs: 5_000, fetchTimeoutMs: 10_000 });
    settle(cluster, 12_000);
    const old = cluster.leader()!;
    void old.stop();
    settle(cluster, 200);
    const next = cluster.leader();
    expect(next).toBeDefined();
    expect(next!.nodeId).not.toBe(old.nodeId);
  });
});
