// Committed offsets: commit validation against the group's generation and members, durability
// before visibility, fetch of named or all partitions, delete, and rebuilding them by replay.
import { describe, expect, it } from "vitest";
import { GroupCoordinator } from "./coordinator.ts";
import { ErrorCode } from "./error-codes.ts";
import type { OffsetCommitRequest } from "./messages.ts";
import { bytes, consumerSubscription, context, flush, startCoordinator, track, type Harness } from "./test-kit.ts";

const GROUP = "billing";

function commit(overrides: Partial<OffsetCommitRequest> & { offset?: bigint; partition?: number; metadata?: string | null } = {}) {
  const { offset = 42n, partition = 0, metadata = "meta", ...request } = overrides;
  return {
    groupId: GROUP,
    generationIdOrMemberEpoch: -1,
    memberId: "",
    groupInstanceId: null,
    topics: [{ name: "payments", partitions: [{ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: 3, committedMetadata: metadata }] }],
    ...request,
  };
}

function errors(response: { topics: { partitions: { errorCode: number }[] }[] }): number[] {
  return response.topics.flatMap((topic) => topic.partitions.map((partition) => partition.errorCode));
}

function fetchOne(h: Harness, partition = 0) {
  return h.coordinator.fetchOffsets(GROUP, [{ name: "payments", partitionIndexes: [partition] }]).topics[0].partitions[0];
}

/** A one-member group using the "consumer" protocol, subscribed to `topics`, stable at generation 1. */
async function consumerGroup(h: Harness, topics: string[]) {
  const join = await h.coordinator.joinGroup(
    {
      groupId: GROUP,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 30_000,
      memberId: "",
      protocolType: "consumer",
      protocols: [{ name: "range", metadata: consumerSubscription(topics) }],
    },
    context(3),
  );
  await h.coordinator.syncGroup({ groupId: GROUP, generationId: join.generationId, memberId: join.memberId, assignments: [] }, context(3));
  return join;
}

describe("OffsetCommit and OffsetFetch", () => {
  it("accepts generation -1 commits into a simple group and fetches them back", async () => {
    const h = startCoordinator();
    expect(errors(await h.coordinator.commitOffsets(commit(), context(8)))).toEqual([ErrorCode.NONE]);
    expect(fetchOne(h)).toEqual({ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3, metadata: "meta", errorCode: 0 });
    expect(fetchOne(h, 7)).toEqual({ partitionIndex: 7, committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", errorCode: 0 });
    expect(h.coordinator.listGroups({}).groups).toEqual([{ groupId: GROUP, protocolType: "", groupState: "Empty", groupType: "classic" }]);
    const absent = h.coordinator.fetchOffsets("absent", [{ name: "payments", partitionIndexes: [0] }]);
    expect(absent.topics[0].partitions[0].committedOffset).toBe(-1n);
  });

  it("returns every committed partition when the topics are null", async () => {
    const h = startCoordinator();
    await h.coordinator.commitOffsets(commit({ partition: 0, offset: 5n }), context(8));
    await h.coordinator.commitOffsets(commit({ partition: 1, offset: 9n, metadata: null }), context(8));
    const all = h.coordinator.offsetFetch({ groupId: GROUP, topics: null }, context(7));
    expect(all.errorCode).toBe(ErrorCode.NONE);
    expect(all.topics).toEqual([
      {
        name: "payments",
        partitions: [
          { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: 3, metadata: "meta", errorCode: 0 },
          { partitionIndex: 1, committedOffset: 9n, committedLeaderEpoch: 3, metadata: "", errorCode: 0 },
        ],
      },
    ]);
    const v8 = h.coordinator.offsetFetch({ groups: [{ groupId: GROUP, topics: null }, { groupId: "absent", topics: null }] }, context(8));
    expect(v8.groups.map((group) => [group.groupId, group.topics.length])).toEqual([
      [GROUP, 1],
      ["absent", 0],
    ]);
  });

  it("validates commits against the group's members and generation", async () => {
    const h = startCoordinator();
    const member = await consumerGroup(h, ["payments"]);
    const asMember = { generationIdOrMemberEpoch: member.generationId, memberId: member.memberId };
    expect(errors(await h.coordinator.commitOffsets(commit(asMember), context(8)))).toEqual([ErrorCode.NONE]);
    expect(errors(await h.coordinator.commitOffsets(commit({ ...asMember, generationIdOrMemberEpoch: 7 }), context(8)))).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    expect(errors(await h.coordinator.commitOffsets(commit({ ...asMember, memberId: "ghost" }), context(8)))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(errors(await h.coordinator.commitOffsets(commit({ ...asMember, groupInstanceId: "nobody" }), context(8)))).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    // Without member id and generation, only an empty group takes commits.
    expect(errors(await h.coordinator.commitOffsets(commit(), context(8)))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(errors(await h.coordinator.commitOffsets(commit({ groupId: "absent", generationIdOrMemberEpoch: 1 }), context(8)))).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    expect(errors(await h.coordinator.commitOffsets(commit({ groupId: "absent", generationIdOrMemberEpoch: 1 }), context(9)))).toEqual([
      ErrorCode.GROUP_ID_NOT_FOUND,
    ]);
  });

  it("answers REBALANCE_IN_PROGRESS while the new generation awaits its assignment, and accepts the current one while preparing", async () => {
    const h = startCoordinator();
    const member = await consumerGroup(h, ["payments"]);
    const joinAgain = (memberId: string, clientId: string) =>
      h.coordinator.joinGroup(
        {
          groupId: GROUP,
          sessionTimeoutMs: 10_000,
          rebalanceTimeoutMs: 30_000,
          memberId,
          protocolType: "consumer",
          protocols: [{ name: "range", metadata: consumerSubscription(["payments"]) }],
        },
        context(3, clientId),
      );
    // The leader rejoins alone: generation 2 completes at once and waits for its assignment.
    const rejoin = await joinAgain(member.memberId, "a");
    expect(rejoin.generationId).toBe(member.generationId + 1);
    const commitAs = (generationIdOrMemberEpoch: number) =>
      h.coordinator.commitOffsets(commit({ generationIdOrMemberEpoch, memberId: member.memberId }), context(8));
    expect(errors(await commitAs(rejoin.generationId))).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
    expect(errors(await commitAs(member.generationId))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    // A newcomer starts another rebalance; until it completes, generation 2 may still commit.
    track(joinAgain("", "late"));
    expect(h.coordinator.inspectGroup(GROUP)?.state).toBe("PreparingRebalance");
    expect(errors(await commitAs(rejoin.generationId))).toEqual([ErrorCode.NONE]);
  });

  it("refuses oversized metadata per partition and commits the rest", async () => {
    const h = startCoordinator({ offsetMetadataMaxBytes: 4 });
    const request = commit();
    const response = await h.coordinator.commitOffsets(
      {
        ...request,
        topics: [
          {
            name: "payments",
            partitions: [
              { partitionIndex: 0, committedOffset: 1n, committedMetadata: "toolong" },
              { partitionIndex: 1, committedOffset: 2n, committedMetadata: "ok" },
            ],
          },
        ],
      },
      context(8),
    );
    expect(errors(response)).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE]);
    expect(fetchOne(h, 0).committedOffset).toBe(-1n);
    expect(fetchOne(h, 1)).toMatchObject({ committedOffset: 2n, committedLeaderEpoch: -1 });
  });

  it("acknowledges and shows a commit only once its record is durable", async () => {
    const h = startCoordinator();
    h.store.hold();
    const pending = track(h.coordinator.commitOffsets(commit({ offset: 100n }), context(8)));
    await flush();
    expect(pending.settled).toBe(false);
    expect(fetchOne(h).committedOffset).toBe(-1n);
    h.store.release();
    await flush();
    expect(errors(pending.value)).toEqual([ErrorCode.NONE]);
    expect(fetchOne(h).committedOffset).toBe(100n);
  });

  it("maps a failed append to a retriable coordinator error and keeps the old offset", async () => {
    const h = startCoordinator();
    await h.coordinator.commitOffsets(commit({ offset: 1n }), context(8));
    h.store.failNextAppend(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(errors(await h.coordinator.commitOffsets(commit({ offset: 2n }), context(8)))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    h.store.failNextAppend(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(errors(await h.coordinator.commitOffsets(commit({ offset: 3n }), context(8)))).toEqual([ErrorCode.NOT_COORDINATOR]);
    h.store.failNextAppend(ErrorCode.RECORD_LIST_TOO_LARGE);
    expect(errors(await h.coordinator.commitOffsets(commit({ offset: 4n }), context(8)))).toEqual([ErrorCode.INVALID_COMMIT_OFFSET_SIZE]);
    expect(fetchOne(h).committedOffset).toBe(1n);
  });

  it("drops a simple group created by a commit that failed", async () => {
    const h = startCoordinator();
    h.store.failNextAppend(ErrorCode.REQUEST_TIMED_OUT);
    await h.coordinator.commitOffsets(commit(), context(8));
    expect(h.coordinator.listGroups({}).groups).toEqual([]);
  });

  it("keeps a member's session alive through commits", async () => {
    const h = startCoordinator();
    const member = await consumerGroup(h, ["payments"]);
    for (let i = 0; i < 4; i++) {
      h.clock.advance(6_000);
      const response = await h.coordinator.commitOffsets(
        commit({ generationIdOrMemberEpoch: member.generationId, memberId: member.memberId, offset: BigInt(i) }),
        context(8),
      );
      expect(errors(response)).toEqual([ErrorCode.NONE]);
    }
    expect(h.coordinator.inspectGroup(GROUP)?.members.map((m) => m.memberId)).toEqual([member.memberId]);
  });

  it("puts the error into every partition for OffsetFetch v1, which has no top-level error", async () => {
    const h = startCoordinator();
    h.coordinator.unload();
    const v1 = h.coordinator.offsetFetch({ groupId: GROUP, topics: [{ name: "payments", partitionIndexes: [0, 1] }] }, context(1));
    expect(v1.topics[0].partitions.map((p) => [p.partitionIndex, p.errorCode])).toEqual([
      [0, ErrorCode.NOT_COORDINATOR],
      [1, ErrorCode.NOT_COORDINATOR],
    ]);
    expect(h.coordinator.offsetFetch({ groupId: GROUP, topics: null }, context(7)).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(errors(await h.coordinator.commitOffsets(commit(), context(8)))).toEqual([ErrorCode.NOT_COORDINATOR]);
  });
});

describe("OffsetDelete", () => {
  it("deletes offsets of an empty group", async () => {
    const h = startCoordinator();
    await h.coordinator.commitOffsets(commit(), context(8));
    const response = await h.coordinator.deleteOffsets({ groupId: GROUP, topics: [{ name: "payments", partitions: [{ partitionIndex: 0 }] }] });
    expect(response).toEqual({ errorCode: 0, throttleTimeMs: 0, topics: [{ name: "payments", partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
    expect(fetchOne(h).committedOffset).toBe(-1n);
  });

  it("refuses topics a consumer group still subscribes to, and non-empty groups of other protocols", async () => {
    const h = startCoordinator();
    await consumerGroup(h, ["payments"]);
    const subscribed = await h.coordinator.deleteOffsets({
      groupId: GROUP,
      topics: [
        { name: "payments", partitions: [{ partitionIndex: 0 }] },
        { name: "old-topic", partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(subscribed.topics.map((t) => [t.name, t.partitions[0].errorCode])).toEqual([
      ["payments", ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC],
      ["old-topic", ErrorCode.NONE],
    ]);
    expect((await h.coordinator.deleteOffsets({ groupId: "absent", topics: [] })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);

    const connect = startCoordinator();
    await connect.coordinator.joinGroup(
      { groupId: GROUP, sessionTimeoutMs: 10_000, memberId: "", protocolType: "connect", protocols: [{ name: "sessioned", metadata: bytes("x") }] },
      context(3),
    );
    expect((await connect.coordinator.deleteOffsets({ groupId: GROUP, topics: [] })).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  });
});

describe("replay", () => {
  it("rebuilds committed offsets, tombstones included, from the offsets topic records", async () => {
    const h = startCoordinator();
    await h.coordinator.commitOffsets(commit({ partition: 0, offset: 10n }), context(8));
    await h.coordinator.commitOffsets(commit({ partition: 1, offset: 11n }), context(8));
    await h.coordinator.commitOffsets(commit({ partition: 0, offset: 12n, metadata: "later" }), context(8));
    await h.coordinator.deleteOffsets({ groupId: GROUP, topics: [{ name: "payments", partitions: [{ partitionIndex: 1 }] }] });

    const reloaded = GroupCoordinator.load({ clock: h.clock.now, store: h.store }, h.store.replay());
    const fetched = reloaded.offsetFetch({ groupId: GROUP, topics: null }, context(7));
    expect(fetched.topics).toEqual([
      { name: "payments", partitions: [{ partitionIndex: 0, committedOffset: 12n, committedLeaderEpoch: 3, metadata: "later", errorCode: 0 }] },
    ]);
    expect(reloaded.listGroups({}).groups.map((group) => [group.groupId, group.groupState])).toEqual([[GROUP, "Empty"]]);
  });

  it("restores a stable group's generation, so its members' commits keep validating after failover", async () => {
    const h = startCoordinator();
    const member = await consumerGroup(h, ["payments"]);
    const reloaded = GroupCoordinator.load({ config: { groupMinSessionTimeoutMs: 1_000 }, clock: h.clock.now, store: h.store }, h.store.replay());
    const response = await reloaded.commitOffsets(commit({ generationIdOrMemberEpoch: member.generationId, memberId: member.memberId }), context(8));
    expect(errors(response)).toEqual([ErrorCode.NONE]);
  });
});
