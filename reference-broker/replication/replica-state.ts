// A follower replica as its leader sees it (Kafka's ReplicaState): how far its log reaches, as its
// fetches tell, and since when it has been caught up. Plain values and functions, so the ISR rules
// are tested without a log, a network or a clock.

/** A log end or start offset the leader has not been told yet (Kafka's UnknownOffset). */
export const UNKNOWN_OFFSET = -1;
/** A time that never happened: the follower was never caught up (Kafka uses 0 on a wall clock). */
export const NEVER = Number.NEGATIVE_INFINITY;

export interface ReplicaState {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  /** The leader's log end offset when the previous fetch arrived. */
  readonly lastFetchLeaderLogEndOffset: number;
  readonly lastFetchTimeMs: number;
  /**
   * The latest time t such that a fetch of this follower reached the leader's log end offset as it
   * was at t: how long it has lagged is measured from here.
   */
  readonly lastCaughtUpTimeMs: number;
}

export const EMPTY_REPLICA_STATE: ReplicaState = {
  logStartOffset: UNKNOWN_OFFSET,
  logEndOffset: UNKNOWN_OFFSET,
  lastFetchLeaderLogEndOffset: UNKNOWN_OFFSET,
  lastFetchTimeMs: NEVER,
  lastCaughtUpTimeMs: NEVER,
};

export interface FollowerFetch {
  /** The fetch offset is the follower's log end offset. */
  fetchOffset: number;
  logStartOffset: number;
  fetchTimeMs: number;
  /** The leader's log end offset before the read (appends racing the fetch do not hold it back). */
  leaderEndOffset: number;
}

/**
 * Kafka's updateFetchStateOrThrow: a fetch that reached the leader's log end makes the follower
 * caught up now; one that reached the log end as it was at the previous fetch makes it caught up
 * as of that fetch, so a follower chasing a stream of small produces still counts as in sync.
 */
export function updateFetchState(state: ReplicaState, fetch: FollowerFetch): ReplicaState {
  let lastCaughtUpTimeMs = state.lastCaughtUpTimeMs;
  if (fetch.fetchOffset >= fetch.leaderEndOffset) lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, fetch.fetchTimeMs);
  else if (fetch.fetchOffset >= state.lastFetchLeaderLogEndOffset) lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, state.lastFetchTimeMs);
  return {
    logStartOffset: fetch.logStartOffset,
    logEndOffset: fetch.fetchOffset,
    lastFetchLeaderLogEndOffset: Math.max(fetch.leaderEndOffset, state.lastFetchLeaderLogEndOffset),
    lastFetchTimeMs: fetch.fetchTimeMs,
    lastCaughtUpTimeMs,
  };
}

/**
 * Kafka's resetReplicaState, on election or re-election: ISR members count as caught up now, the
 * others as never, so a follower outside the ISR does not hold the high watermark back. A new
 * leader forgets what it knew of the follower's log (it may have been truncated meanwhile).
 */
export function resetReplicaState(
  state: ReplicaState,
  reset: { nowMs: number; leaderEndOffset: number; isNewLeader: boolean; inSync: boolean },
): ReplicaState {
  const lastCaughtUpTimeMs = reset.inSync ? reset.nowMs : NEVER;
  if (reset.isNewLeader) return { ...EMPTY_REPLICA_STATE, lastCaughtUpTimeMs };
  return {
    logStartOffset: state.logStartOffset,
    logEndOffset: state.logEndOffset,
    lastFetchLeaderLogEndOffset: reset.leaderEndOffset,
    lastFetchTimeMs: reset.inSync ? reset.nowMs : NEVER,
    lastCaughtUpTimeMs,
  };
}

/** In sync: at the leader's log end, or caught up within the last replica.lag.time.max.ms. */
export function isCaughtUp(state: ReplicaState, leaderEndOffset: number, nowMs: number, replicaLagTimeMaxMs: number): boolean {
  return state.logEndOffset === leaderEndOffset || nowMs - state.lastCaughtUpTimeMs <= replicaLagTimeMaxMs;
}
