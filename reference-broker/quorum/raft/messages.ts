// The Raft RPCs as the core sees them — KRaft's Vote, BeginQuorumEpoch, EndQuorumEpoch, Fetch and
// FetchSnapshot for the one metadata partition, without the wire's topic/partition nesting — and
// the transport the core sends them through. Error codes are Kafka's.
import type { LeaderAndEpoch, OffsetAndEpoch, RaftEntry } from "./types.ts";

export interface VoteRequest {
  candidateEpoch: number;
  candidateId: number;
  /** Epoch of the candidate's last entry, and its log end offset: how up to date its log is. */
  lastOffsetEpoch: number;
  lastOffset: number;
}

export interface VoteResponse extends LeaderAndEpoch {
  errorCode: number;
  voteGranted: boolean;
}

export interface BeginQuorumEpochRequest {
  leaderId: number;
  leaderEpoch: number;
}

export interface EndQuorumEpochRequest {
  leaderId: number;
  leaderEpoch: number;
  /** Voters in the order the resigning leader would like them to take over (most caught up first). */
  preferredSuccessors: number[];
}

export interface QuorumEpochResponse extends LeaderAndEpoch {
  errorCode: number;
}

export interface FetchRequest {
  /** A voter's or an observer's (broker's) node id. */
  replicaId: number;
  currentLeaderEpoch: number;
  /** Every entry below fetchOffset is acknowledged (durable on the fetcher). */
  fetchOffset: number;
  /** Epoch of the entry at fetchOffset - 1, so the leader can detect a diverging log. */
  lastFetchedEpoch: number;
  maxWaitMs: number;
}

export interface FetchResponse extends LeaderAndEpoch {
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  /** The fetcher's log diverges: truncate to at most this end offset of this epoch, then fetch again. */
  divergingEpoch?: OffsetAndEpoch;
  /** fetchOffset is below the leader's log start: fetch this snapshot first. */
  snapshotId?: OffsetAndEpoch;
  entries: RaftEntry[];
}

export interface FetchSnapshotRequest {
  replicaId: number;
  currentLeaderEpoch: number;
  snapshotId: OffsetAndEpoch;
  position: number;
  maxBytes: number;
}

export interface FetchSnapshotResponse extends LeaderAndEpoch {
  errorCode: number;
  snapshotId: OffsetAndEpoch;
  /** Total snapshot size in bytes. */
  size: number;
  position: number;
  bytes: Buffer;
}

export interface RaftRequests {
  vote: VoteRequest;
  "begin-quorum-epoch": BeginQuorumEpochRequest;
  "end-quorum-epoch": EndQuorumEpochRequest;
  fetch: FetchRequest;
  "fetch-snapshot": FetchSnapshotRequest;
}

export interface RaftResponses {
  vote: VoteResponse;
  "begin-quorum-epoch": QuorumEpochResponse;
  "end-quorum-epoch": QuorumEpochResponse;
  fetch: FetchResponse;
  "fetch-snapshot": FetchSnapshotResponse;
}

export type RaftRpc = keyof RaftRequests;

/**
 * Sends requests to other nodes. Exactly one call of onResponse follows each send: the response,
 * or undefined when none came (connection refused or lost, request timed out, message dropped).
 */
export interface RaftTransport {
  send<K extends RaftRpc>(destination: number, rpc: K, request: RaftRequests[K], onResponse: (response: RaftResponses[K] | undefined) => void): void;
}
