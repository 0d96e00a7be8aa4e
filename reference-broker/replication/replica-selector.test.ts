// KIP-392's rack-aware replica selection and the leader's choice of a preferred read replica.
import { describe, expect, it } from "vitest";
import { MetadataImage } from "../metadata/image.ts";
import { EMPTY_REPLICA_STATE, type ReplicaState } from "./replica-state.ts";
import {
  RACK_AWARE_REPLICA_SELECTOR,
  UnknownReplicaSelectorError,
  findPreferredReadReplica,
  rackAwareReplicaSelector,
  replicaSelectorFor,
  type ReplicaView,
} from "./replica-selector.ts";

const view = (brokerId: number, rack: string | null, logEndOffset = 10, timeSinceLastCaughtUpMs = 0): ReplicaView => ({ brokerId, rack, logEndOffset, timeSinceLastCaughtUpMs });

describe("rack-aware replica selector", () => {
  const leader = view(1, "a");
  it("keeps the leader for a consumer without a rack, in the leader's rack, or in a rack without replicas", () => {
    const replicas = [leader, view(2, "b"), view(3, "c")];
    for (const rack of ["", "a", "z"]) expect(rackAwareReplicaSelector.select(rack, leader, replicas)).toBe(leader);
  });

  it("picks the most caught-up replica of the consumer's rack: largest log end, then most recently caught up, then largest id", () => {
    expect(rackAwareReplicaSelector.select("b", leader, [leader, view(2, "b", 9), view(3, "b", 10)]).brokerId).toBe(3);
    expect(rackAwareReplicaSelector.select("b", leader, [leader, view(2, "b", 10, 5), view(3, "b", 10, 50)]).brokerId).toBe(2);
    expect(rackAwareReplicaSelector.select("b", leader, [leader, view(2, "b", 10, Infinity), view(3, "b", 10, 50)]).brokerId).toBe(3);
    expect(rackAwareReplicaSelector.select("b", leader, [leader, view(2, "b"), view(3, "b")]).brokerId).toBe(3);
  });

  it("is what replica.selector.class names; unset means none, an unknown class refuses to start", () => {
    expect(replicaSelectorFor(RACK_AWARE_REPLICA_SELECTOR)).toBe(rackAwareReplicaSelector);
    expect(replicaSelectorFor(null)).toBeUndefined();
    expect(() => replicaSelectorFor("com.example.NearestReplicaSelector")).toThrow(UnknownReplicaSelectorError);
  });
});

describe("preferred read replica", () => {
  function imageWith(racks: Record<number, string>, fenced: number[] = []): MetadataImage {
    const image = new MetadataImage();
    for (const [id, rack] of Object.entries(racks)) {
      const brokerId = Number(id);
      image.apply({ type: "register-broker", brokerId, incarnation: `i${id}`, host: "h", port: 1, rack });
      if (!fenced.includes(brokerId)) image.apply({ type: "unfence-broker", brokerId });
    }
    return image;
  }
  const follower = (logStartOffset: number, logEndOffset: number): ReplicaState => ({ ...EMPTY_REPLICA_STATE, logStartOffset, logEndOffset, lastCaughtUpTimeMs: 1_000 });
  const partition = (followers: [number, ReplicaState][], isr = [1, 2, 3], isLeader = true) => ({
    localBrokerId: 1,
    isLeader,
    log: { logEndOffset: 20 },
    inSyncReplicaIds: isr,
    followerStates: new Map(followers),
  });
  const racks = { 1: "a", 2: "b", 3: "b" };

  it("is a live in-sync follower in the consumer's rack holding the fetch offset", () => {
    const p = partition([[2, follower(0, 20)], [3, follower(0, 15)]]);
    expect(findPreferredReadReplica(p, imageWith(racks), rackAwareReplicaSelector, "b", 10, 2_000)).toBe(2);
  });

  it("skips followers outside the ISR, fenced, or not holding the fetch offset", () => {
    const p = partition([[2, follower(0, 20)], [3, follower(0, 15)]], [1, 3]);
    expect(findPreferredReadReplica(p, imageWith(racks), rackAwareReplicaSelector, "b", 10, 2_000)).toBe(3);
    expect(findPreferredReadReplica(p, imageWith(racks, [3]), rackAwareReplicaSelector, "b", 10, 2_000)).toBeUndefined();
    expect(findPreferredReadReplica(p, imageWith(racks), rackAwareReplicaSelector, "b", 16, 2_000)).toBeUndefined();
    const trimmed = partition([[2, follower(12, 20)]], [1, 2]);
    expect(findPreferredReadReplica(trimmed, imageWith(racks), rackAwareReplicaSelector, "b", 10, 2_000)).toBeUndefined();
  });

  it("is never named by a follower, nor when the choice is the leader", () => {
    const p = partition([[2, follower(0, 20)]]);
    expect(findPreferredReadReplica({ ...p, isLeader: false }, imageWith(racks), rackAwareReplicaSelector, "b", 10, 2_000)).toBeUndefined();
    expect(findPreferredReadReplica(p, imageWith(racks), rackAwareReplicaSelector, "a", 10, 2_000)).toBeUndefined();
  });
});
