// The leader's ISR rules against a scripted controller: which followers hold the high watermark,
// when a follower is proposed into or out of the ISR, and what each AlterPartition answer does.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../io/clock.ts";
import { lineLogger } from "../logger.ts";
import type { PartitionState } from "../metadata/image.ts";
import type { AlterPartitionRequest, AlterPartitionResult, IsrChangeChannel } from "./isr-change-channel.ts";
import { ALTER_PARTITION_RETRY_MS, LeaderIsr } from "./leader-isr.ts";

const LAG_MS = 10_000;

/** A controller that keeps every request and answers when the test says. */
class ScriptedController implements IsrChangeChannel {
  readonly requests: AlterPartitionRequest[] = [];
  private answers: ((result: AlterPartitionResult | Error) => void)[] = [];

  alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult> {
    this.requests.push(request);
    return new Promise((resolve, reject) => this.answers.push((result) => (result instanceof Error ? reject(result) : resolve(result))));
  }

  answer(result: AlterPartitionResult | Error): void {
    const next = this.answers.shift();
    if (!next) throw new Error("no AlterPartition is waiting for an answer");
    next(result);
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function leaderOf(state: Partial<PartitionState> = {}, options: { withController?: boolean } = {}) {
  const clock = new ManualClock(1_000_000);
  const controller = new ScriptedController();
  const eligible = new Set([1, 2, 3]);
  let committed = 0;
  const isr = new LeaderIsr({
    topicId: "topic-id",
    partition: 0,
    key: "t-0",
    localBrokerId: 1,
    replicaLagTimeMaxMs: LAG_MS,
    clock,
    logger: lineLogger("test", { sink: () => {} }),
    channel: options.withController === false ? undefined : controller,
    isReplicaIsrEligible: (id) => eligible.has(id),
    onIsrCommitted: () => committed++,
  });
  const registration: PartitionState = { topicId: "topic-id", partition: 0, replicas: [1, 2, 3], isr: [1, 2, 3], leader: 1, leaderEpoch: 0, partitionEpoch: 0, ...state };
  isr.applyRegistration(registration, 0);
  const fetch = (id: number, fetchOffset: number, leaderEndOffset: number, highWatermark: number) =>
    isr.updateFollowerFetchState(id, { fetchOffset, logStartOffset: 0, fetchTimeMs: clock.nowMs(), leaderEndOffset }, highWatermark);
  return { clock, controller, eligible, isr, fetch, registration, committed: () => committed };
}

describe("leader ISR", () => {
  it("puts the high watermark at the smallest log end offset of the ISR, and nowhere while the ISR is below min.insync.replicas", () => {
    const { isr, fetch } = leaderOf();
    expect(isr.highWatermarkCandidate(10, 1)).toBe(-1);
    fetch(2, 10, 10, 0);
    fetch(3, 7, 10, 0);
    expect(isr.highWatermarkCandidate(10, 1)).toBe(7);
    expect(isr.highWatermarkCandidate(10, 4)).toBeUndefined();
  });

  it("does not wait for a follower outside the ISR that is not caught up", () => {
    const { isr, fetch } = leaderOf({ isr: [1, 2] });
    fetch(2, 10, 10, 10);
    fetch(3, 2, 10, 10);
    expect(isr.highWatermarkCandidate(10, 1)).toBe(10);
  });

  it("waits for a caught-up eligible follower outside the ISR, so it can catch up and join, but not for an ineligible (fenced) one", () => {
    // Without a controller to propose it to, the follower stays outside the ISR.
    const { isr, fetch, eligible } = leaderOf({ isr: [1, 2] }, { withController: false });
    fetch(2, 10, 10, 10);
    fetch(3, 10, 10, 10);
    fetch(2, 12, 12, 10);
    // 3 reached the log end at 10 a moment ago; the leader appended since.
    expect(isr.highWatermarkCandidate(12, 1)).toBe(10);
    eligible.delete(3);
    expect(isr.highWatermarkCandidate(12, 1)).toBe(12);
    expect(isr.isr).toEqual([1, 2]);
  });

  it("proposes a follower that reached the high watermark into the ISR, counting it for the high watermark until the answer", async () => {
    const { isr, fetch, controller, committed } = leaderOf({ isr: [1, 2] });
    fetch(2, 5, 5, 5);
    fetch(3, 5, 5, 5);
    expect(controller.requests).toEqual([]);
    await flush();
    expect(controller.requests).toEqual([{ topicId: "topic-id", partition: 0, leaderId: 1, leaderEpoch: 0, partitionEpoch: 0, newIsr: [1, 2, 3] }]);
    expect(isr.isr).toEqual([1, 2]);
    expect(isr.maximalIsr).toEqual([1, 2, 3]);
    expect(isr.isInflight).toBe(true);
    controller.answer({ ok: true, leaderEpoch: 0, partitionEpoch: 1, isr: [1, 2, 3] });
    await flush();
    expect(isr.isr).toEqual([1, 2, 3]);
    expect(isr.isInflight).toBe(false);
    expect(committed()).toBe(1);
  });

  it("does not expand before the follower reached the start of this leader epoch", async () => {
    const { isr, controller } = leaderOf({ isr: [1] });
    isr.applyRegistration({ topicId: "topic-id", partition: 0, replicas: [1, 2], isr: [1], leader: 1, leaderEpoch: 1, partitionEpoch: 1 }, 8);
    isr.updateFollowerFetchState(2, { fetchOffset: 6, logStartOffset: 0, fetchTimeMs: 0, leaderEndOffset: 8 }, 5);
    await flush();
    expect(controller.requests).toEqual([]);
    isr.updateFollowerFetchState(2, { fetchOffset: 8, logStartOffset: 0, fetchTimeMs: 0, leaderEndOffset: 8 }, 5);
    await flush();
    expect(controller.requests.map((r) => r.newIsr)).toEqual([[1, 2]]);
  });

  it("shrinks out a follower that lagged more than replica.lag.time.max.ms, the high watermark waiting for it until committed", async () => {
    const { isr, fetch, clock, controller } = leaderOf();
    fetch(2, 0, 0, 0);
    fetch(3, 0, 0, 0);
    clock.advance(LAG_MS);
    fetch(2, 5, 5, 0);
    isr.maybeShrinkIsr(5, 0);
    expect(isr.isInflight).toBe(false);
    clock.advance(1);
    fetch(2, 5, 5, 0);
    isr.maybeShrinkIsr(5, 0);
    await flush();
    expect(controller.requests.map((r) => r.newIsr)).toEqual([[1, 2]]);
    expect(isr.maximalIsr).toEqual([1, 2, 3]);
    expect(isr.highWatermarkCandidate(5, 1)).toBe(0);
    controller.answer({ ok: true, leaderEpoch: 0, partitionEpoch: 1, isr: [1, 2] });
    await flush();
    expect(isr.highWatermarkCandidate(5, 1)).toBe(5);
  });

  it("proposes nothing while an AlterPartition is in flight", async () => {
    const { isr, fetch, clock, controller } = leaderOf({ isr: [1, 2] });
    fetch(3, 5, 5, 5);
    clock.advance(2 * LAG_MS);
    isr.maybeShrinkIsr(6, 5);
    fetch(2, 6, 6, 5);
    await flush();
    expect(controller.requests).toHaveLength(1);
  });

  it("returns to the committed ISR when the controller says the change was not applied", async () => {
    const { isr, fetch, controller } = leaderOf({ isr: [1, 2] });
    fetch(3, 5, 5, 5);
    await flush();
    controller.answer({ ok: false, error: "INELIGIBLE_REPLICA", message: "fenced" });
    await flush();
    expect(isr.isInflight).toBe(false);
    expect(isr.maximalIsr).toEqual([1, 2]);
    fetch(3, 5, 5, 5);
    await flush();
    expect(controller.requests).toHaveLength(2);
  });

  it("stays pending after a stale-epoch refusal until the metadata says what happened", async () => {
    const { isr, fetch, controller, registration } = leaderOf({ isr: [1, 2] });
    fetch(3, 5, 5, 5);
    await flush();
    controller.answer({ ok: false, error: "INVALID_UPDATE_VERSION", message: "stale" });
    await flush();
    expect(isr.isInflight).toBe(true);
    isr.applyRegistration({ ...registration, isr: [1, 2, 3], partitionEpoch: 1 }, 5);
    expect(isr.isInflight).toBe(false);
    expect(isr.isr).toEqual([1, 2, 3]);
  });

  it("sends the same proposal again when the controller could not be reached", async () => {
    const { isr, fetch, controller, clock } = leaderOf({ isr: [1, 2] });
    fetch(3, 5, 5, 5);
    await flush();
    controller.answer(new Error("connection refused"));
    await flush();
    expect(controller.requests).toHaveLength(1);
    clock.advance(ALTER_PARTITION_RETRY_MS);
    await flush();
    expect(controller.requests).toHaveLength(2);
    expect(controller.requests[1]).toEqual(controller.requests[0]);
    expect(isr.maximalIsr).toEqual([1, 2, 3]);
  });

  it("ignores an answer to a proposal the metadata already replaced, and metadata older than an applied answer", async () => {
    const { isr, fetch, controller, registration, committed } = leaderOf({ isr: [1, 2] });
    fetch(3, 5, 5, 5);
    await flush();
    isr.applyRegistration({ ...registration, isr: [1, 2, 3], partitionEpoch: 1 }, 5);
    controller.answer({ ok: true, leaderEpoch: 0, partitionEpoch: 1, isr: [1, 2, 3] });
    await flush();
    expect(committed()).toBe(0);
    expect(isr.isStale({ ...registration, partitionEpoch: 0 })).toBe(true);
    expect(isr.isStale({ ...registration, partitionEpoch: 1 })).toBe(false);
  });

  it("resets followers on a new leader epoch: ISR members count as caught up, the others not", () => {
    const { isr, registration, clock } = leaderOf({ leader: 2, isr: [2, 3] });
    clock.advance(5_000);
    isr.applyRegistration({ ...registration, leader: 1, leaderEpoch: 1, isr: [1, 3], partitionEpoch: 1 }, 20);
    expect(isr.followerStates.get(3)?.lastCaughtUpTimeMs).toBe(clock.nowMs());
    expect(isr.followerStates.get(2)?.lastCaughtUpTimeMs).toBe(Number.NEGATIVE_INFINITY);
    expect(isr.followerStates.get(3)?.logEndOffset).toBe(-1);
    // The ISR member's unknown position holds the high watermark until it fetches.
    expect(isr.highWatermarkCandidate(20, 1)).toBe(-1);
  });
});
