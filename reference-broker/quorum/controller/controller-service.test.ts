// The active controller's decisions on a one-voter quorum with a ManualClock: registration and the
// broker epoch, unfencing only once the broker caught up, fencing after a lapsed session (and not
// before) with its partitions re-led, controlled shutdown, stale registrations, AlterPartition's
// epoch checks, brokers' compare-and-set proposals, the periodic preferred-leader election, and the
// periodic unclean election following unclean.leader.election.enable as it is changed.
import { afterEach, describe, expect, it } from "vitest";
import { ConfigOperation, planTopicConfigChange } from "../../metadata/config-changes.ts";
import { planCreateTopic } from "../../metadata/controller-logic.ts";
import { NO_LEADER } from "../../metadata/records.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import { startSingleVoter, type SingleVoterRig } from "./single-voter-rig.ts";

let rig: SingleVoterRig;

afterEach(async () => {
  await rig?.stop();
});

async function registered(brokerId: number, incarnation = `incarnation-${brokerId}`): Promise<number> {
  const answer = await rig.controller.registerBroker({ brokerId, incarnation, host: "127.0.0.1", port: 9090 + brokerId, rack: null });
  expect(answer.errorCode).toBe(ErrorCode.NONE);
  return answer.brokerEpoch;
}

function heartbeat(brokerId: number, brokerEpoch: number, extra: { wantShutDown?: boolean; currentMetadataOffset?: number } = {}) {
  return rig.controller.heartbeat({
    brokerId,
    brokerEpoch,
    currentMetadataOffset: extra.currentMetadataOffset ?? rig.metadata.appliedOffset - 1,
    wantFence: false,
    wantShutDown: extra.wantShutDown ?? false,
  });
}

async function liveBroker(brokerId: number): Promise<number> {
  const epoch = await registered(brokerId);
  expect(await heartbeat(brokerId, epoch)).toMatchObject({ errorCode: ErrorCode.NONE, isFenced: false, isCaughtUp: true });
  return epoch;
}

async function createTopic(name: string, numPartitions: number, replicationFactor: number): Promise<void> {
  const plan = await rig.metadata.write((image) => planCreateTopic(image, { name, numPartitions, replicationFactor }, { numPartitions: 1, replicationFactor: 1 }));
  expect(plan.ok).toBe(true);
}

describe("the controller service", () => {
  it("registers a broker fenced, with its registration offset as broker epoch, and unfences it once caught up", async () => {
    rig = await startSingleVoter();
    const epoch = await registered(1);
    expect(rig.metadata.brokerEpoch(1)).toBe(epoch);
    expect(rig.metadata.image.isLive(1)).toBe(false);
    expect(await heartbeat(1, epoch, { currentMetadataOffset: epoch - 1 })).toMatchObject({ isCaughtUp: false, isFenced: true });
    expect(rig.metadata.image.isLive(1)).toBe(false);
    expect(await heartbeat(1, epoch, { currentMetadataOffset: epoch })).toMatchObject({ isCaughtUp: true, isFenced: false });
    expect(rig.metadata.image.isLive(1)).toBe(true);
    // The same registration again (a retry) changes nothing.
    expect(await registered(1)).toBe(epoch);
  });

  it("fences a broker whose session lapsed — not before — and re-leads its partitions", async () => {
    rig = await startSingleVoter();
    const epoch1 = await liveBroker(1);
    const epoch2 = await liveBroker(2);
    await createTopic("t", 4, 2);
    const ledBy2 = rig.metadata.image.topicsByName.get("t")!.partitions.filter((p) => p.leader === 2).map((p) => p.partition);
    expect(ledBy2.length).toBeGreaterThan(0);
    for (let elapsed = 0; elapsed < 2_800; elapsed += 400) {
      await rig.advance(400);
      await heartbeat(1, epoch1);
    }
    expect(rig.metadata.image.liveBrokerIds()).toEqual([1, 2]);
    for (let elapsed = 0; elapsed < 1_200; elapsed += 400) {
      await rig.advance(400);
      await heartbeat(1, epoch1);
    }
    expect(rig.metadata.image.liveBrokerIds()).toEqual([1]);
    for (const partition of ledBy2) {
      const state = rig.metadata.image.partition("t", partition)!;
      expect(state.leader).toBe(1);
      expect(state.isr).toEqual([1]);
    }
    // Heartbeating again (a paused broker resuming) unfences it.
    expect(await heartbeat(2, epoch2)).toMatchObject({ errorCode: ErrorCode.NONE, isFenced: false });
  });

  it("fences a broker for its controlled shutdown and tells it to shut down", async () => {
    rig = await startSingleVoter();
    const epoch = await liveBroker(1);
    expect(await heartbeat(1, epoch, { wantShutDown: true })).toMatchObject({ errorCode: ErrorCode.NONE, isFenced: true, shouldShutDown: true });
    expect(rig.metadata.image.isLive(1)).toBe(false);
  });

  it("fences the old session of a re-registering broker first, and refuses its stale epoch", async () => {
    rig = await startSingleVoter();
    const old = await liveBroker(1);
    await createTopic("t", 1, 1);
    const leaderEpoch = rig.metadata.image.partition("t", 0)!.leaderEpoch;
    const fresh = await registered(1, "restarted");
    expect(fresh).toBeGreaterThan(old);
    expect(rig.metadata.image.partition("t", 0)!.leaderEpoch).toBeGreaterThan(leaderEpoch);
    expect((await heartbeat(1, old)).errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
    expect((await heartbeat(9, 1)).errorCode).toBe(ErrorCode.BROKER_ID_NOT_REGISTERED);
  });

  it("commits ISR changes from the current leader only", async () => {
    rig = await startSingleVoter();
    await liveBroker(1);
    await liveBroker(2);
    await createTopic("t", 1, 2);
    const state = rig.metadata.image.partition("t", 0)!;
    const leader = state.leader;
    const leaderEpoch = rig.metadata.brokerEpoch(leader)!;
    const follower = state.replicas.find((id) => id !== leader)!;
    const shrink = { topicId: state.topicId, partition: 0, leaderId: leader, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, newIsr: [leader] };
    const answer = await rig.controller.alterPartition(leader, leaderEpoch, shrink);
    expect(answer.errorCode).toBe(ErrorCode.NONE);
    expect(answer.state!.isr).toEqual([leader]);
    expect((await rig.controller.alterPartition(leader, leaderEpoch, shrink)).errorCode).toBe(ErrorCode.INVALID_UPDATE_VERSION);
    expect((await rig.controller.alterPartition(follower, rig.metadata.brokerEpoch(follower)!, { ...shrink, partitionEpoch: answer.state!.partitionEpoch })).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect((await rig.controller.alterPartition(leader, leaderEpoch + 100, shrink)).errorCode).toBe(ErrorCode.STALE_BROKER_EPOCH);
  });

  it("appends a broker's proposal only if it was decided at the log end", async () => {
    rig = await startSingleVoter();
    const end = rig.raft.log.endOffset;
    const records = [{ type: "producer-ids" as const, brokerId: 3, nextProducerId: 1000 }];
    expect(await rig.queue.submitConditional(end - 1, records)).toEqual({ kind: "stale", endOffset: end });
    expect(await rig.queue.submitConditional(end, records)).toMatchObject({ kind: "committed", offset: end });
    expect(rig.metadata.image.nextProducerId).toBe(1000);
  });

  it("moves leadership back to preferred replicas periodically", async () => {
    rig = await startSingleVoter({ controller: { preferredElectionIntervalMs: 1_000, sessionTimeoutMs: 60_000 } });
    const epoch1 = await liveBroker(1);
    const epoch2 = await liveBroker(2);
    await createTopic("t", 2, 2);
    const preferredBy1 = rig.metadata.image.topicsByName.get("t")!.partitions.find((p) => p.replicas[0] === 1)!.partition;
    await heartbeat(1, epoch1, { wantShutDown: true });
    expect(rig.metadata.image.partition("t", preferredBy1)!.leader).toBe(2);
    // Back (a new incarnation after the shutdown), caught up, in the ISR again.
    const back = await registered(1, "back");
    await heartbeat(1, back);
    const state = rig.metadata.image.partition("t", preferredBy1)!;
    await rig.controller.alterPartition(2, epoch2, { topicId: state.topicId, partition: preferredBy1, leaderId: 2, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, newIsr: [2, 1] });
    expect(rig.metadata.image.partition("t", preferredBy1)!.leader).toBe(2);
    await rig.advance(1_200);
    expect(rig.metadata.image.partition("t", preferredBy1)!.leader).toBe(1);
  });

  it("elects a leaderless partition uncleanly at the next periodic check after unclean.leader.election.enable is turned on, not at once", async () => {
    rig = await startSingleVoter({ controller: { uncleanElectionIntervalMs: 1_000, sessionTimeoutMs: 60_000 } });
    const epoch1 = await liveBroker(1);
    const epoch2 = await liveBroker(2);
    await createTopic("t", 1, 2);
    const state = rig.metadata.image.partition("t", 0)!;
    const [leader, follower] = [state.leader, state.replicas.find((id) => id !== state.leader)!];
    // The follower leaves the ISR, then the leader shuts down: no in-sync replica is left.
    await rig.controller.alterPartition(leader, rig.metadata.brokerEpoch(leader)!, { topicId: state.topicId, partition: 0, leaderId: leader, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, newIsr: [leader] });
    await heartbeat(leader, leader === 1 ? epoch1 : epoch2, { wantShutDown: true });
    expect(rig.metadata.image.partition("t", 0)).toMatchObject({ leader: NO_LEADER, isr: [leader] });
    await rig.advance(1_200);
    expect(rig.metadata.image.partition("t", 0)!.leader).toBe(NO_LEADER);

    const enabled = await rig.metadata.write((image) => planTopicConfigChange(image, "t", { kind: "incremental", changes: [{ name: "unclean.leader.election.enable", operation: ConfigOperation.SET, value: "true" }] }));
    expect(enabled.ok).toBe(true);
    expect(rig.metadata.image.partition("t", 0)!.leader).toBe(NO_LEADER);
    await rig.advance(1_200);
    expect(rig.metadata.image.partition("t", 0)).toMatchObject({ leader: follower, isr: [follower] });
  });
});
