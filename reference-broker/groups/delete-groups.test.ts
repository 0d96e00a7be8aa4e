// DeleteGroups on one coordinator: an Empty group and its offsets go, as tombstones written in one
// append that a reloaded coordinator replays to the same state; groups with members are
// NON_EMPTY_GROUP, unknown ones GROUP_ID_NOT_FOUND; a failed append is answered with its error.
import { describe, expect, it } from "vitest";
import { GroupCoordinator } from "./coordinator.ts";
import { ErrorCode } from "./error-codes.ts";
import { consumerSubscription, context, startCoordinator, TEST_CONFIG, type Harness } from "./test-kit.ts";

async function commitOffset(h: Harness, groupId: string, partition: number, offset: bigint): Promise<void> {
  await h.coordinator.commitOffsets(
    {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: "",
      groupInstanceId: null,
      topics: [{ name: "payments", partitions: [{ partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: "" }] }],
    },
    context(8),
  );
}

async function stableGroup(h: Harness, groupId: string): Promise<void> {
  const join = await h.coordinator.joinGroup(
    { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 30_000, memberId: "", protocolType: "consumer", protocols: [{ name: "range", metadata: consumerSubscription(["payments"]) }] },
    context(3),
  );
  await h.coordinator.syncGroup({ groupId, generationId: join.generationId, memberId: join.memberId, assignments: [] }, context(3));
}

const committed = (coordinator: GroupCoordinator, groupId: string) => coordinator.fetchOffsets(groupId, null).topics;

describe("DeleteGroups", () => {
  it("deletes an Empty group and its offsets, and a reloaded coordinator agrees", async () => {
    const h = startCoordinator();
    await commitOffset(h, "billing", 0, 10n);
    await commitOffset(h, "billing", 1, 20n);
    await commitOffset(h, "audit", 0, 5n);
    expect(await h.coordinator.deleteGroups(["billing", "nobody"])).toEqual([
      { groupId: "billing", errorCode: ErrorCode.NONE },
      { groupId: "nobody", errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    expect(committed(h.coordinator, "billing")).toEqual([]);
    expect(h.coordinator.listGroups({}).groups.map((g) => g.groupId)).toEqual(["audit"]);
    const tail = h.store.replay().slice(-3);
    expect(tail.map((r) => [r.type, r.groupId, r.value])).toEqual([
      ["offset-commit", "billing", null],
      ["offset-commit", "billing", null],
      ["group-metadata", "billing", null],
    ]);

    const reloaded = GroupCoordinator.load({ config: TEST_CONFIG, clock: h.clock.now, store: h.store }, h.store.replay());
    expect(committed(reloaded, "billing")).toEqual([]);
    expect(reloaded.listGroups({}).groups.map((g) => g.groupId)).toEqual(["audit"]);
    expect(committed(reloaded, "audit")[0].partitions[0].committedOffset).toBe(5n);
    // Deleted once; a second time it is unknown.
    expect(await h.coordinator.deleteGroups(["billing"])).toEqual([{ groupId: "billing", errorCode: ErrorCode.GROUP_ID_NOT_FOUND }]);
  });

  it("refuses a group with members with NON_EMPTY_GROUP and keeps it", async () => {
    const h = startCoordinator();
    await stableGroup(h, "busy");
    expect(await h.coordinator.deleteGroups(["busy"])).toEqual([{ groupId: "busy", errorCode: ErrorCode.NON_EMPTY_GROUP }]);
    expect(h.coordinator.inspectGroup("busy")?.state).toBe("Stable");
  });

  it("answers the append's error when the tombstones cannot be written", async () => {
    const h = startCoordinator();
    await commitOffset(h, "billing", 0, 10n);
    h.store.failNextAppend(ErrorCode.NOT_ENOUGH_REPLICAS);
    const [result] = await h.coordinator.deleteGroups(["billing"]);
    expect(result.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  it("lets offsets committed while the tombstones are being written survive them", async () => {
    const h = startCoordinator();
    await commitOffset(h, "billing", 0, 10n);
    h.store.hold();
    const deletion = h.coordinator.deleteGroups(["billing"]);
    const newer = commitOffset(h, "billing", 0, 11n);
    h.store.release();
    expect(await deletion).toEqual([{ groupId: "billing", errorCode: ErrorCode.NONE }]);
    await newer;
    expect(committed(h.coordinator, "billing")[0].partitions[0].committedOffset).toBe(11n);
  });
});
