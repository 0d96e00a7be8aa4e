// The classic rebalance protocol against a manual clock: join/sync/heartbeat/leave with one to three
// members, the deadlines (initial delay, rebalance, sync, session), static membership, and loading.
import { describe, expect, it } from "vitest";
import { ErrorCode } from "./error-codes.ts";
import type { JoinGroupRequest, JoinGroupRequestProtocol, JoinGroupResponse } from "./messages.ts";
import { bytes, context, flush, startCoordinator, text, track, type Harness, type Tracked } from "./test-kit.ts";
import { GroupCoordinator } from "./coordinator.ts";

const GROUP = "orders";
const SESSION = 10_000;
const REBALANCE = 30_000;

function protocols(...names: string[]): JoinGroupRequestProtocol[] {
  return names.map((name) => ({ name, metadata: bytes(`${name}-meta`) }));
}

function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: GROUP,
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    memberId: "",
    groupInstanceId: null,
    protocolType: "consumer",
    protocols: protocols("range"),
    ...overrides,
  };
}

/** The v4+ dance: learn the member id, then join with it. Returns the parked second join. */
async function joinDynamic(h: Harness, clientId: string, overrides: Partial<JoinGroupRequest> = {}): Promise<Tracked<JoinGroupResponse>> {
  const first = await h.coordinator.joinGroup(joinRequest(overrides), context(5, clientId));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId.startsWith(`${clientId}-`)).toBe(true);
  const second = track(h.coordinator.joinGroup(joinRequest({ ...overrides, memberId: first.memberId }), context(5, clientId)));
  await flush();
  return second;
}

function sync(h: Harness, memberId: string, generationId: number, assignments: Record<string, string> = {}) {
  return track(
    h.coordinator.syncGroup(
      {
        groupId: GROUP,
        generationId,
        memberId,
        assignments: Object.entries(assignments).map(([id, value]) => ({ memberId: id, assignment: bytes(value) })),
      },
      context(3),
    ),
  );
}

function heartbeat(h: Harness, memberId: string, generationId: number, groupInstanceId: string | null = null): number {
  return h.coordinator.heartbeat({ groupId: GROUP, generationId, memberId, groupInstanceId }, context(3)).errorCode;
}

/** Joins one member and completes its first generation. */
async function stableSingleMember(h: Harness, clientId = "a") {
  const join = await joinDynamic(h, clientId);
  expect(join.settled).toBe(true);
  const { memberId, generationId } = join.value;
  const synced = sync(h, memberId, generationId, { [memberId]: `${clientId}-assignment` });
  await flush();
  expect(synced.value.errorCode).toBe(ErrorCode.NONE);
  return { memberId, generationId };
}

/** Two members through their first generation together. */
async function stablePair(h: Harness) {
  const a = await stableSingleMember(h, "a");
  const b = await joinDynamic(h, "b");
  expect(b.settled).toBe(false);
  expect(heartbeat(h, a.memberId, a.generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  const aRejoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a.memberId }), context(5)));
  await flush();
  expect(aRejoin.settled && b.settled).toBe(true);
  const generationId = aRejoin.value.generationId;
  const bId = b.value.memberId;
  const bSync = sync(h, bId, generationId);
  const aSync = sync(h, a.memberId, generationId, { [a.memberId]: "p0", [bId]: "p1" });
  await flush();
  expect(text(aSync.value.assignment)).toBe("p0");
  expect(text(bSync.value.assignment)).toBe("p1");
  return { a: a.memberId, b: bId, generationId };
}

describe("JoinGroup and SyncGroup", () => {
  it("runs the v4+ member-id dance and makes a lone member leader of generation 1", async () => {
    const h = startCoordinator();
    const join = await joinDynamic(h, "a");
    expect(join.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: "range", protocolType: "consumer" });
    expect(join.value.leader).toBe(join.value.memberId);
    expect(join.value.members).toEqual([{ memberId: join.value.memberId, groupInstanceId: null, metadata: bytes("range-meta") }]);
    expect(h.coordinator.inspectGroup(GROUP)?.state).toBe("CompletingRebalance");

    const synced = sync(h, join.value.memberId, 1, { [join.value.memberId]: "all-partitions" });
    await flush();
    expect(synced.value).toMatchObject({ errorCode: ErrorCode.NONE, protocolName: "range", protocolType: "consumer" });
    expect(text(synced.value.assignment)).toBe("all-partitions");
    expect(h.coordinator.inspectGroup(GROUP)?.state).toBe("Stable");
    expect(heartbeat(h, join.value.memberId, 1)).toBe(ErrorCode.NONE);
  });

  it("adds members at once below v4, and reports an empty protocol name below v7", async () => {
    const h = startCoordinator();
    const join = await h.coordinator.joinGroup(joinRequest({ rebalanceTimeoutMs: undefined }), context(0));
    expect(join).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, protocolName: "range" });
    const unknown = await h.coordinator.joinGroup(joinRequest({ groupId: "other", memberId: "ghost" }), context(3));
    expect(unknown).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolName: "", generationId: -1 });
  });

  it("gives the leader the member list and parks followers until the leader's assignment is stored", async () => {
    const h = startCoordinator();
    const { a, b, generationId } = await stablePair(h);
    expect(generationId).toBe(2);
    const c = await joinDynamic(h, "c", { protocols: protocols("range") });
    const aJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    const bJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: b }), context(5)));
    await flush();
    expect([aJoin.settled, bJoin.settled, c.settled]).toEqual([true, true, true]);
    expect(aJoin.value.leader).toBe(a);
    expect(aJoin.value.members.map((m) => m.memberId).sort()).toEqual([a, b, c.value.memberId].sort());
    expect(bJoin.value.members).toEqual([]);
    expect(c.value.generationId).toBe(3);

    const bSync = sync(h, b, 3);
    const cSync = sync(h, c.value.memberId, 3);
    await flush();
    expect(bSync.settled || cSync.settled).toBe(false);
    h.store.hold();
    const aSync = sync(h, a, 3, { [a]: "p0", [b]: "p1" });
    await flush();
    expect(aSync.settled).toBe(false);
    h.store.release();
    await flush();
    expect(text(aSync.value.assignment)).toBe("p0");
    expect(text(bSync.value.assignment)).toBe("p1");
    // A member the leader left out gets an empty assignment.
    expect(cSync.value).toMatchObject({ errorCode: ErrorCode.NONE });
    expect(cSync.value.assignment.length).toBe(0);
    // A member that syncs again once stable gets its assignment straight away.
    const again = sync(h, b, 3);
    await flush();
    expect(text(again.value.assignment)).toBe("p1");
  });

  it("selects the protocol every member supports, by preference votes", async () => {
    const h = startCoordinator();
    const a = await h.coordinator.joinGroup(joinRequest({ protocols: protocols("cooperative-sticky", "range") }), context(3, "a"));
    expect(a.protocolName).toBe("cooperative-sticky");
    await flush();
    const b = track(h.coordinator.joinGroup(joinRequest({ protocols: protocols("range") }), context(3, "b")));
    const aRejoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a.memberId, protocols: protocols("cooperative-sticky", "range") }), context(3)));
    await flush();
    expect(b.value.protocolName).toBe("range");
    expect(aRejoin.value.protocolName).toBe("range");
    expect(aRejoin.value.members.find((m) => m.memberId === a.memberId)?.metadata).toEqual(bytes("range-meta"));

    const noCommon = await h.coordinator.joinGroup(joinRequest({ protocols: protocols("roundrobin") }), context(3, "c"));
    expect(noCommon).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId: "" });
    const otherType = await h.coordinator.joinGroup(joinRequest({ protocolType: "connect" }), context(3, "c"));
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const emptyType = await h.coordinator.joinGroup(joinRequest({ groupId: "fresh", protocolType: "" }), context(3, "c"));
    expect(emptyType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it("rejects bad session timeouts and empty group ids", async () => {
    const h = startCoordinator({ groupMaxSessionTimeoutMs: 20_000 });
    expect((await h.coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 500 }), context(5))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await h.coordinator.joinGroup(joinRequest({ sessionTimeoutMs: 30_000 }), context(5))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await h.coordinator.joinGroup(joinRequest({ groupId: "" }), context(5))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect((await h.coordinator.syncGroup({ groupId: "", generationId: 1, memberId: "m", assignments: [] }, context(3))).errorCode).toBe(
      ErrorCode.INVALID_GROUP_ID,
    );
  });

  it("answers a repeated JoinGroup during CompletingRebalance with the same generation", async () => {
    const h = startCoordinator();
    const join = await joinDynamic(h, "a");
    const again = await h.coordinator.joinGroup(joinRequest({ memberId: join.value.memberId }), context(5));
    expect(again).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: join.value.memberId });
    expect(again.members).toHaveLength(1);
    expect(h.coordinator.inspectGroup(GROUP)?.generationId).toBe(1);
  });

  it("rebalances when the leader rejoins a stable group, but not when a follower rejoins unchanged", async () => {
    const h = startCoordinator();
    const { a, b, generationId } = await stablePair(h);
    const follower = await h.coordinator.joinGroup(joinRequest({ memberId: b }), context(5));
    expect(follower).toMatchObject({ errorCode: ErrorCode.NONE, generationId, members: [] });
    expect(h.coordinator.inspectGroup(GROUP)?.state).toBe("Stable");
    const leader = track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    await flush();
    expect(leader.settled).toBe(false);
    expect(h.coordinator.inspectGroup(GROUP)?.state).toBe("PreparingRebalance");
  });

  it("answers SyncGroup with REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID as the state demands", async () => {
    const h = startCoordinator();
    const { a, b, generationId } = await stablePair(h);
    const stale = sync(h, b, generationId - 1);
    const stranger = sync(h, "nobody", generationId);
    await flush();
    expect(stale.value.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(stranger.value.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    const during = sync(h, b, generationId);
    await flush();
    expect(during.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const absent = await h.coordinator.syncGroup({ groupId: "absent", generationId: 1, memberId: "m", assignments: [] }, context(3));
    expect(absent.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("cancels parked syncs with REBALANCE_IN_PROGRESS when a member joins during CompletingRebalance", async () => {
    const h = startCoordinator();
    const { a, b } = await stablePair(h);
    const aJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    const bJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: b }), context(5)));
    await flush();
    const bSync = sync(h, b, bJoin.value.generationId);
    await flush();
    expect(bSync.settled).toBe(false);
    await joinDynamic(h, "c");
    expect(bSync.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(aJoin.value.generationId).toBe(3);
  });

  it("refuses members beyond group.max.size", async () => {
    const h = startCoordinator({ groupMaxSize: 1 });
    await stableSingleMember(h, "a");
    const second = await h.coordinator.joinGroup(joinRequest(), context(3, "b"));
    expect(second).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, memberId: "" });
  });
});

describe("deadlines", () => {
  it("delays the first generation by group.initial.rebalance.delay.ms while members keep arriving", async () => {
    const h = startCoordinator({ groupInitialRebalanceDelayMs: 3_000 });
    const a = await joinDynamic(h, "a", { rebalanceTimeoutMs: 10_000 });
    h.clock.advance(1_000);
    const b = await joinDynamic(h, "b", { rebalanceTimeoutMs: 10_000 });
    h.clock.advance(2_000);
    h.coordinator.tick();
    await flush();
    expect(a.settled).toBe(false);
    h.clock.advance(3_000);
    h.coordinator.tick();
    await flush();
    expect(a.value.generationId).toBe(1);
    expect(a.value.members).toHaveLength(2);
    expect(b.value.generationId).toBe(1);
  });

  it("removes a member whose session ends without heartbeats, and rebalances the rest", async () => {
    const h = startCoordinator();
    const { a, b, generationId } = await stablePair(h);
    const answers = new Set<number>();
    for (let elapsed = 0; elapsed < SESSION * 2; elapsed += SESSION / 2) {
      h.clock.advance(SESSION / 2);
      answers.add(heartbeat(h, a, generationId));
    }
    expect([...answers]).toEqual([ErrorCode.NONE, ErrorCode.REBALANCE_IN_PROGRESS]);
    const members = h.coordinator.inspectGroup(GROUP)?.members.map((m) => m.memberId);
    expect(members).toEqual([a]);
    expect(heartbeat(h, b, generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const rejoin = await h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5));
    expect(rejoin).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generationId + 1, leader: a });
  });

  it("drops members that do not rejoin within the rebalance timeout, even if they heartbeat", async () => {
    const h = startCoordinator();
    const { a, b, generationId } = await stablePair(h);
    const aJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    for (let elapsed = 0; elapsed < REBALANCE; elapsed += 5_000) {
      h.clock.advance(5_000);
      const error = heartbeat(h, b, generationId);
      if (elapsed + 5_000 < REBALANCE) expect(error).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    await flush();
    expect(aJoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generationId + 1 });
    expect(aJoin.value.members.map((m) => m.memberId)).toEqual([a]);
    expect(heartbeat(h, b, generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("elects a new leader when the leader does not rejoin", async () => {
    const h = startCoordinator();
    const { a, b } = await stablePair(h);
    const c = await joinDynamic(h, "c");
    const bJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: b }), context(5)));
    h.clock.advance(REBALANCE);
    h.coordinator.tick();
    await flush();
    expect(bJoin.value.leader).toBe(b);
    expect(bJoin.value.members.map((m) => m.memberId).sort()).toEqual([b, c.value.memberId].sort());
    expect(c.value.leader).toBe(b);
    expect(h.coordinator.inspectGroup(GROUP)?.members.map((m) => m.memberId)).not.toContain(a);
  });

  it("drops members that never send SyncGroup and rebalances", async () => {
    const h = startCoordinator();
    const { a, b } = await stablePair(h);
    track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    const bJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: b }), context(5)));
    await flush();
    const generationId = bJoin.value.generationId;
    const aSync = sync(h, a, generationId, { [a]: "p0", [b]: "p1" });
    await flush();
    expect(aSync.value.errorCode).toBe(ErrorCode.NONE);
    // b keeps heartbeating but never syncs: the sync deadline (the rebalance timeout) drops it.
    for (let elapsed = 0; elapsed < REBALANCE; elapsed += 5_000) {
      h.clock.advance(5_000);
      heartbeat(h, a, generationId);
      heartbeat(h, b, generationId);
    }
    expect(h.coordinator.inspectGroup(GROUP)).toMatchObject({ state: "PreparingRebalance" });
    expect(h.coordinator.inspectGroup(GROUP)?.members.map((m) => m.memberId)).toEqual([a]);
  });

  it("forgets a member id handed out with MEMBER_ID_REQUIRED that is never used", async () => {
    const h = startCoordinator();
    const { memberId: a, generationId } = await stableSingleMember(h);
    const first = await h.coordinator.joinGroup(joinRequest(), context(5, "b"));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const aJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    await flush();
    expect(aJoin.settled).toBe(false);
    h.clock.advance(SESSION);
    h.coordinator.tick();
    await flush();
    expect(aJoin.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: generationId + 1 });
    const late = await h.coordinator.joinGroup(joinRequest({ memberId: first.memberId }), context(5, "b"));
    expect(late.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });
});

describe("Heartbeat and LeaveGroup", () => {
  it("answers heartbeats with UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION and INVALID_GROUP_ID", async () => {
    const h = startCoordinator();
    const { memberId, generationId } = await stableSingleMember(h);
    expect(heartbeat(h, memberId, generationId + 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(heartbeat(h, "stranger", generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.coordinator.heartbeat({ groupId: "absent", generationId: 1, memberId }, context(3)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.coordinator.heartbeat({ groupId: "", generationId: 1, memberId }, context(3)).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  it("removes a batch of members (v3+) with an error per unknown member, then rebalances", async () => {
    const h = startCoordinator();
    const { a, b } = await stablePair(h);
    const c = await joinDynamic(h, "c");
    const response = h.coordinator.leaveGroup(
      { groupId: GROUP, members: [{ memberId: a }, { memberId: "ghost", reason: "test" }, { memberId: b }] },
      context(5),
    );
    expect(response.errorCode).toBe(ErrorCode.NONE);
    expect(response.members.map((m) => [m.memberId, m.errorCode])).toEqual([
      [a, ErrorCode.NONE],
      ["ghost", ErrorCode.UNKNOWN_MEMBER_ID],
      [b, ErrorCode.NONE],
    ]);
    await flush();
    expect(c.value).toMatchObject({ errorCode: ErrorCode.NONE, leader: c.value.memberId });
    expect(c.value.members).toHaveLength(1);
  });

  it("reports the single member's error at the top level below v3", async () => {
    const h = startCoordinator();
    const { memberId } = await stableSingleMember(h);
    expect(h.coordinator.leaveGroup({ groupId: GROUP, memberId: "ghost" }, context(1))).toEqual({
      throttleTimeMs: 0,
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      members: [],
    });
    expect(h.coordinator.leaveGroup({ groupId: GROUP, memberId }, context(1)).errorCode).toBe(ErrorCode.NONE);
    h.coordinator.tick();
    expect(h.coordinator.inspectGroup(GROUP)).toMatchObject({ state: "Empty", members: [] });
  });

  it("answers a parked JoinGroup of a member that leaves with UNKNOWN_MEMBER_ID", async () => {
    const h = startCoordinator();
    const { a, b } = await stablePair(h);
    const aJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    h.coordinator.leaveGroup({ groupId: GROUP, members: [{ memberId: a }] }, context(5));
    await flush();
    expect(aJoin.value).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: "" });
    expect(h.coordinator.inspectGroup(GROUP)?.members.map((m) => m.memberId)).toEqual([b]);
  });
});

describe("static membership", () => {
  async function stableStatic(h: Harness, overrides: Partial<JoinGroupRequest> = {}) {
    const a = await h.coordinator.joinGroup(joinRequest({ ...overrides, groupInstanceId: "instance-a" }), context(5, "a"));
    expect(a.errorCode).toBe(ErrorCode.NONE);
    expect(a.memberId.startsWith("instance-a-")).toBe(true);
    const synced = sync(h, a.memberId, a.generationId, { [a.memberId]: "p0" });
    await flush();
    expect(synced.value.errorCode).toBe(ErrorCode.NONE);
    return a;
  }

  it("lets a restarted static member take its place without a rebalance, fencing the old member id", async () => {
    const h = startCoordinator();
    const old = await stableStatic(h);
    const rejoin = await h.coordinator.joinGroup(joinRequest({ groupInstanceId: "instance-a" }), context(5, "a"));
    expect(rejoin).toMatchObject({ errorCode: ErrorCode.NONE, generationId: old.generationId, members: [] });
    expect(rejoin.memberId).not.toBe(old.memberId);
    // Below v9 the old leader id is reported, so the client does not run the assignor again.
    expect(rejoin.leader).toBe(old.memberId);
    expect(h.coordinator.inspectGroup(GROUP)).toMatchObject({ state: "Stable", generationId: old.generationId, leaderId: rejoin.memberId });
    expect(heartbeat(h, old.memberId, old.generationId, "instance-a")).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(heartbeat(h, rejoin.memberId, old.generationId, "instance-a")).toBe(ErrorCode.NONE);
    const synced = await h.coordinator.syncGroup(
      { groupId: GROUP, generationId: old.generationId, memberId: rejoin.memberId, groupInstanceId: "instance-a", assignments: [] },
      context(3),
    );
    expect(text(synced.assignment)).toBe("p0");
    const stale = await h.coordinator.syncGroup(
      { groupId: GROUP, generationId: old.generationId, memberId: old.memberId, groupInstanceId: "instance-a", assignments: [] },
      context(3),
    );
    expect(stale.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  it("tells a v9 static leader that it leads but must skip the assignment", async () => {
    const h = startCoordinator();
    await stableStatic(h);
    const rejoin = await h.coordinator.joinGroup(joinRequest({ groupInstanceId: "instance-a" }), context(9, "a"));
    expect(rejoin).toMatchObject({ errorCode: ErrorCode.NONE, skipAssignment: true, leader: rejoin.memberId });
    expect(rejoin.members.map((m) => m.memberId)).toEqual([rejoin.memberId]);
  });

  it("reverts the replacement when it cannot be persisted", async () => {
    const h = startCoordinator();
    const old = await stableStatic(h);
    h.store.failNextAppend(ErrorCode.NOT_ENOUGH_REPLICAS);
    const rejoin = await h.coordinator.joinGroup(joinRequest({ groupInstanceId: "instance-a" }), context(5, "a"));
    expect(rejoin).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, memberId: "" });
    expect(heartbeat(h, old.memberId, old.generationId, "instance-a")).toBe(ErrorCode.NONE);
  });

  it("rebalances when a static member comes back with a protocol change", async () => {
    const h = startCoordinator();
    const old = await stableStatic(h);
    const rejoin = await h.coordinator.joinGroup(
      joinRequest({ groupInstanceId: "instance-a", protocols: protocols("roundrobin", "range") }),
      context(5, "a"),
    );
    expect(rejoin).toMatchObject({ errorCode: ErrorCode.NONE, generationId: old.generationId + 1, protocolName: "roundrobin" });
    const noOverlap = await h.coordinator.joinGroup(joinRequest({ groupInstanceId: "instance-a", protocols: protocols("sticky") }), context(5, "a"));
    expect(noOverlap.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it("keeps a static member that misses a rebalance in the new generation, until it fails to sync", async () => {
    const h = startCoordinator();
    const quick = { rebalanceTimeoutMs: 5_000 };
    const a = await stableStatic(h, quick);
    const b = track(h.coordinator.joinGroup(joinRequest({ ...quick, groupInstanceId: "instance-b" }), context(5, "b")));
    h.clock.advance(5_000);
    h.coordinator.tick();
    await flush();
    // a did not rejoin; being static it stays in the new generation instead of being dropped.
    expect(b.value).toMatchObject({ errorCode: ErrorCode.NONE, generationId: a.generationId + 1 });
    expect(b.value.members.map((m) => m.groupInstanceId).sort()).toEqual(["instance-a", "instance-b"]);
    expect(b.value.leader).toBe(b.value.memberId);
    const bSync = await h.coordinator.syncGroup(
      { groupId: GROUP, generationId: b.value.generationId, memberId: b.value.memberId, groupInstanceId: "instance-b", assignments: [] },
      context(3),
    );
    expect(bSync.errorCode).toBe(ErrorCode.NONE);
    h.clock.advance(5_000);
    h.coordinator.tick();
    expect(h.coordinator.inspectGroup(GROUP)).toMatchObject({ state: "PreparingRebalance" });
    expect(h.coordinator.inspectGroup(GROUP)?.members.map((m) => m.groupInstanceId)).toEqual(["instance-b"]);
  });

  it("removes a static member by instance id alone (administrative LeaveGroup)", async () => {
    const h = startCoordinator();
    await stableStatic(h);
    const response = h.coordinator.leaveGroup({ groupId: GROUP, members: [{ memberId: "", groupInstanceId: "instance-a" }] }, context(4));
    expect(response.members).toEqual([{ memberId: "", groupInstanceId: "instance-a", errorCode: ErrorCode.NONE }]);
    expect(h.coordinator.inspectGroup(GROUP)?.members).toEqual([]);
  });
});

describe("views, loading and unloading", () => {
  it("describes and lists groups with Kafka's state names", async () => {
    const h = startCoordinator();
    const { a } = await stablePair(h);
    const described = h.coordinator.describeGroups([GROUP, "absent"]).groups;
    expect(described[0]).toMatchObject({ errorCode: 0, groupState: "Stable", protocolType: "consumer", protocolData: "range" });
    const aView = described[0].members.find((m) => m.memberId === a);
    expect(aView).toMatchObject({ clientId: "a", clientHost: "/127.0.0.1", memberMetadata: bytes("range-meta"), memberAssignment: bytes("p0") });
    expect(described[1]).toMatchObject({ groupId: "absent", groupState: "Dead", members: [] });

    track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    const rebalancing = h.coordinator.describeGroups([GROUP]).groups[0];
    expect(rebalancing).toMatchObject({ groupState: "PreparingRebalance", protocolData: "" });
    expect(rebalancing.members.every((m) => m.memberMetadata.length === 0)).toBe(true);

    expect(h.coordinator.listGroups({}).groups).toEqual([{ groupId: GROUP, protocolType: "consumer", groupState: "PreparingRebalance", groupType: "classic" }]);
    expect(h.coordinator.listGroups({ statesFilter: ["stable"] }).groups).toEqual([]);
    expect(h.coordinator.listGroups({ statesFilter: ["preparingrebalance"], typesFilter: ["Classic"] }).groups).toHaveLength(1);
    expect(h.coordinator.listGroups({ typesFilter: ["consumer"] }).groups).toEqual([]);
  });

  it("reloads a stable group from its records and expires members that do not come back", async () => {
    const h = startCoordinator();
    const { a, b, generationId } = await stablePair(h);
    const reloaded = GroupCoordinator.load({ config: { groupMinSessionTimeoutMs: 1_000 }, clock: h.clock.now, store: h.store }, h.store.replay());
    expect(reloaded.inspectGroup(GROUP)).toMatchObject({ state: "Stable", generationId, leaderId: a, protocolName: "range" });
    const view = reloaded.describeGroups([GROUP]).groups[0];
    expect(view.members.find((m) => m.memberId === b)?.memberAssignment).toEqual(bytes("p1"));
    h.clock.advance(SESSION / 2);
    expect(reloaded.heartbeat({ groupId: GROUP, generationId, memberId: a }, context(3)).errorCode).toBe(ErrorCode.NONE);
    h.clock.advance(SESSION / 2);
    reloaded.tick();
    expect(reloaded.inspectGroup(GROUP)).toMatchObject({ state: "PreparingRebalance", members: [{ memberId: a, groupInstanceId: null }] });
  });

  it("answers parked requests and every later one with NOT_COORDINATOR once unloaded", async () => {
    const h = startCoordinator();
    const { a, b } = await stablePair(h);
    const aJoin = track(h.coordinator.joinGroup(joinRequest({ memberId: a }), context(5)));
    h.coordinator.unload();
    await flush();
    expect(aJoin.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(heartbeat(h, b, 2)).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await h.coordinator.joinGroup(joinRequest(), context(5))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.coordinator.describeGroups([GROUP]).groups[0].errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.coordinator.nextDeadline()).toBeUndefined();
  });

  it("fails the generation's syncs when the assignment cannot be stored, and rebalances", async () => {
    const h = startCoordinator();
    const join = await joinDynamic(h, "a");
    h.store.failNextAppend(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const synced = sync(h, join.value.memberId, 1, { [join.value.memberId]: "p0" });
    await flush();
    expect(synced.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(h.coordinator.inspectGroup(GROUP)?.state).toBe("PreparingRebalance");
  });
});
