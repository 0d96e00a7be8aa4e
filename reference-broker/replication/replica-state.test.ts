// The leader's view of one follower: when a fetch makes it caught up, how long it may lag, and what
// a new leader remembers of it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EMPTY_REPLICA_STATE, NEVER, isCaughtUp, resetReplicaState, updateFetchState, type ReplicaState } from "./replica-state.ts";

const LAG_MS = 30_000;

describe("replica state", () => {
  it("counts a fetch at the leader's log end as caught up at its own time", () => {
    const state = updateFetchState(EMPTY_REPLICA_STATE, { fetchOffset: 10, logStartOffset: 0, fetchTimeMs: 5_000, leaderEndOffset: 10 });
    expect(state).toEqual<ReplicaState>({ logStartOffset: 0, logEndOffset: 10, lastFetchLeaderLogEndOffset: 10, lastFetchTimeMs: 5_000, lastCaughtUpTimeMs: 5_000 });
  });

  it("counts a fetch that reached the leader's log end of the previous fetch as caught up at that previous fetch's time", () => {
    // Small produces keep the leader one step ahead: the follower is never at the log end when it fetches.
    const first = updateFetchState(EMPTY_REPLICA_STATE, { fetchOffset: 0, logStartOffset: 0, fetchTimeMs: 1_000, leaderEndOffset: 5 });
    expect(first.lastCaughtUpTimeMs).toBe(NEVER);
    const second = updateFetchState(first, { fetchOffset: 5, logStartOffset: 0, fetchTimeMs: 2_000, leaderEndOffset: 8 });
    expect(second.lastCaughtUpTimeMs).toBe(1_000);
    const third = updateFetchState(second, { fetchOffset: 7, logStartOffset: 0, fetchTimeMs: 3_000, leaderEndOffset: 9 });
    expect(third.lastCaughtUpTimeMs).toBe(1_000);
  });

  it("is in sync at the leader's log end, or within replica.lag.time.max.ms of being caught up", () => {
    const state = updateFetchState(EMPTY_REPLICA_STATE, { fetchOffset: 10, logStartOffset: 0, fetchTimeMs: 0, leaderEndOffset: 10 });
    expect(isCaughtUp(state, 10, 10 * LAG_MS, LAG_MS)).toBe(true);
    expect(isCaughtUp(state, 11, LAG_MS, LAG_MS)).toBe(true);
    expect(isCaughtUp(state, 11, LAG_MS + 1, LAG_MS)).toBe(false);
    expect(isCaughtUp(EMPTY_REPLICA_STATE, 0, 0, LAG_MS)).toBe(false);
  });

  it("makes ISR members caught up now and others never on election; a new leader forgets the follower's log", () => {
    const known = updateFetchState(EMPTY_REPLICA_STATE, { fetchOffset: 10, logStartOffset: 2, fetchTimeMs: 1_000, leaderEndOffset: 10 });
    expect(resetReplicaState(known, { nowMs: 9_000, leaderEndOffset: 12, isNewLeader: true, inSync: true })).toEqual({ ...EMPTY_REPLICA_STATE, lastCaughtUpTimeMs: 9_000 });
    expect(resetReplicaState(known, { nowMs: 9_000, leaderEndOffset: 12, isNewLeader: true, inSync: false }).lastCaughtUpTimeMs).toBe(NEVER);
    expect(resetReplicaState(known, { nowMs: 9_000, leaderEndOffset: 12, isNewLeader: false, inSync: true })).toEqual<ReplicaState>({
      logStartOffset: 2,
      logEndOffset: 10,
      lastFetchLeaderLogEndOffset: 12,
      lastFetchTimeMs: 9_000,
      lastCaughtUpTimeMs: 9_000,
    });
  });

  it("never moves lastCaughtUpTimeMs back, and records every fetch's position", () => {
    const fetch = fc.record({ fetchOffset: fc.nat(1_000), leaderLead: fc.nat(50), gapMs: fc.nat(10_000) });
    fc.assert(
      fc.property(fc.array(fetch, { maxLength: 30 }), (fetches) => {
        let state = EMPTY_REPLICA_STATE;
        let nowMs = 0;
        for (const { fetchOffset, leaderLead, gapMs } of fetches) {
          nowMs += gapMs;
          const next = updateFetchState(state, { fetchOffset, logStartOffset: 0, fetchTimeMs: nowMs, leaderEndOffset: fetchOffset + leaderLead });
          expect(next.lastCaughtUpTimeMs).toBeGreaterThanOrEqual(state.lastCaughtUpTimeMs);
          expect(next.lastCaughtUpTimeMs).toBeLessThanOrEqual(nowMs);
          expect(next.logEndOffset).toBe(fetchOffset);
          if (leaderLead === 0) expect(next.lastCaughtUpTimeMs).toBe(nowMs);
          state = next;
        }
      }),
      { numRuns: 200 },
    );
  });
});
