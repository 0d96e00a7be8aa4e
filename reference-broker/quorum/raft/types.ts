// The vocabulary of the Raft core (KRaft's words): log entries with offsets and leader epochs,
// snapshots, the settings that time elections and fetches, and what the core tells its owner.

/** An offset with the leader epoch of the entry there (Kafka's OffsetAndEpoch). */
export interface OffsetAndEpoch {
  offset: number;
  epoch: number;
}

/** One replicated entry: one batch of the metadata log, atomic as a whole. */
export interface RaftEntry {
  offset: number;
  /** The leader epoch in which the entry was appended. */
  epoch: number;
  /** A control entry (the LeaderChange a new leader writes) carries no state machine data. */
  control: boolean;
  data: Buffer;
}

/** The state machine as of endOffset (everything below it applied), and the epoch of entry endOffset-1. */
export interface RaftSnapshot {
  endOffset: number;
  epoch: number;
  data: Buffer;
}

/** No leader known (Kafka's -1). */
export const NO_LEADER_ID = -1;
/** No epoch at all: before the first entry (Kafka's UNDEFINED_EPOCH). */
export const UNDEFINED_EPOCH = -1;

export interface LeaderAndEpoch {
  leaderId: number;
  leaderEpoch: number;
}

export interface RaftSettings {
  /** controller.quorum.election.timeout.ms: an election waits a random time in [t, 2t). */
  electionTimeoutMs: number;
  /** controller.quorum.fetch.timeout.ms: no answer from the leader for this long starts an election. */
  fetchTimeoutMs: number;
  /** How long the leader parks a fetch that has nothing new. */
  fetchMaxWaitMs: number;
  /** controller.quorum.retry.backoff.ms: between retries of a failed request. */
  retryBackoffMs: number;
  /** Bytes of entries one fetch response carries at most (at least one entry is always sent). */
  fetchMaxBytes: number;
  /** Bytes of a snapshot one FetchSnapshot response carries. */
  snapshotChunkBytes: number;
}

/** What the core reports to the node that owns it; called synchronously, in order. */
export interface RaftListener {
  /** The high watermark moved up: entries below it are committed and will never change. */
  onCommit(highWatermark: number): void;
  /** A snapshot replaced the log (fetched from the leader); the state machine restarts from it. */
  onSnapshotInstalled(snapshot: RaftSnapshot): void;
  /** The known leader or epoch changed (leaderId NO_LEADER_ID while unknown). */
  onLeaderChange(leader: LeaderAndEpoch): void;
}
