// The Raft core's messages in their Kafka wire form and back: Vote, BeginQuorumEpoch and
// EndQuorumEpoch v0, Fetch v13 (the metadata topic by id), FetchSnapshot v0, each for the one
// partition __cluster_metadata-0. Entries travel as record batches. Both sides use it: the transport
// to build requests and read responses, the controller listener's handlers the other way round.
import { ErrorCode } from "../protocol/errors.ts";
import type {
  BeginQuorumEpochRequest as WireBeginRequest,
  BeginQuorumEpochResponse as WireBeginResponse,
  EndQuorumEpochRequest as WireEndRequest,
  EndQuorumEpochResponse as WireEndResponse,
  FetchRequest as WireFetchRequest,
  FetchResponse as WireFetchResponse,
  FetchSnapshotRequest as WireFetchSnapshotRequest,
  FetchSnapshotResponse as WireFetchSnapshotResponse,
  VoteRequest as WireVoteRequest,
  VoteResponse as WireVoteResponse,
} from "../protocol/generated/messages.ts";
import { METADATA_TOPIC_ID } from "../protocol/uuid.ts";
import { decodeEntries, encodeEntries } from "../quorum/raft/entry-batches.ts";
import type {
  BeginQuorumEpochRequest,
  EndQuorumEpochRequest,
  FetchRequest,
  FetchResponse,
  FetchSnapshotRequest,
  FetchSnapshotResponse,
  QuorumEpochResponse,
  VoteRequest,
  VoteResponse,
} from "../quorum/raft/messages.ts";

export const METADATA_TOPIC = "__cluster_metadata";
export const METADATA_PARTITION = 0;

export const RAFT_VERSIONS = { vote: 0, beginQuorumEpoch: 0, endQuorumEpoch: 0, fetch: 13, fetchSnapshot: 0 } as const;

/** A request that does not address __cluster_metadata-0 exactly once: answered INVALID_REQUEST. */
export class NotMetadataPartition extends Error {}

type PartitionIndexed = { partitionIndex?: number; partition?: number; index?: number };

/** The one partition of a request or response, which must be __cluster_metadata-0. */
function onlyPartition<T extends { partitions: readonly PartitionIndexed[] }>(topics: readonly T[] | undefined, isMetadataTopic: (topic: T) => boolean): T["partitions"][number] {
  const topic = topics?.length === 1 ? topics[0] : undefined;
  const partition = topic !== undefined && topic.partitions.length === 1 && isMetadataTopic(topic) ? topic.partitions[0] : undefined;
  if (partition === undefined || (partition.partitionIndex ?? partition.partition ?? partition.index) !== METADATA_PARTITION) {
    throw new NotMetadataPartition("the message must name exactly the partition __cluster_metadata-0");
  }
  return partition;
}

const byName = (topic: { topicName?: string; name?: string }) => (topic.topicName ?? topic.name) === METADATA_TOPIC;
const anyTopic = () => true;

// ---- Vote ----

export function voteRequestToWire(clusterId: string, r: VoteRequest): WireVoteRequest {
  return {
    clusterId,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, candidateEpoch: r.candidateEpoch, candidateId: r.candidateId, lastOffsetEpoch: r.lastOffsetEpoch, lastOffset: BigInt(r.lastOffset) }] }],
  };
}

export function voteRequestFromWire(wire: WireVoteRequest): VoteRequest {
  const p = onlyPartition(wire.topics, byName);
  return { candidateEpoch: p.candidateEpoch, candidateId: p.candidateId, lastOffsetEpoch: p.lastOffsetEpoch, lastOffset: Number(p.lastOffset) };
}

export function voteResponseToWire(r: VoteResponse): WireVoteResponse {
  return { errorCode: ErrorCode.NONE, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, errorCode: r.errorCode, leaderId: r.leaderId, leaderEpoch: r.leaderEpoch, voteGranted: r.voteGranted }] }] };
}

export function voteResponseFromWire(wire: WireVoteResponse): VoteResponse {
  if (wire.errorCode !== ErrorCode.NONE) return { errorCode: wire.errorCode, leaderId: -1, leaderEpoch: -1, voteGranted: false };
  const p = onlyPartition(wire.topics, anyTopic);
  return { errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, voteGranted: p.voteGranted };
}

// ---- BeginQuorumEpoch / EndQuorumEpoch ----

export function beginQuorumEpochRequestToWire(clusterId: string, r: BeginQuorumEpochRequest): WireBeginRequest {
  return { clusterId, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, leaderId: r.leaderId, leaderEpoch: r.leaderEpoch }] }] };
}

export function beginQuorumEpochRequestFromWire(wire: WireBeginRequest): BeginQuorumEpochRequest {
  const p = onlyPartition(wire.topics, byName);
  return { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch };
}

export function endQuorumEpochRequestToWire(clusterId: string, r: EndQuorumEpochRequest): WireEndRequest {
  return {
    clusterId,
    topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, leaderId: r.leaderId, leaderEpoch: r.leaderEpoch, preferredSuccessors: r.preferredSuccessors }] }],
  };
}

export function endQuorumEpochRequestFromWire(wire: WireEndRequest): EndQuorumEpochRequest {
  const p = onlyPartition(wire.topics, byName);
  const successors = p.preferredSuccessors ?? p.preferredCandidates?.map((c) => c.candidateId) ?? [];
  return { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, preferredSuccessors: successors };
}

/** BeginQuorumEpoch and EndQuorumEpoch responses have the same shape. */
export function quorumEpochResponseToWire(r: QuorumEpochResponse): WireBeginResponse & WireEndResponse {
  return { errorCode: ErrorCode.NONE, topics: [{ topicName: METADATA_TOPIC, partitions: [{ partitionIndex: 0, errorCode: r.errorCode, leaderId: r.leaderId, leaderEpoch: r.leaderEpoch }] }] };
}

export function quorumEpochResponseFromWire(wire: WireBeginResponse | WireEndResponse): QuorumEpochResponse {
  if (wire.errorCode !== ErrorCode.NONE) return { errorCode: wire.errorCode, leaderId: -1, leaderEpoch: -1 };
  const p = onlyPartition(wire.topics, anyTopic);
  return { errorCode: p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch };
}

// ---- Fetch ----

export function fetchRequestToWire(clusterId: string, r: FetchRequest, maxBytes: number): WireFetchRequest {
  return {
    clusterId,
    replicaId: r.replicaId,
    maxWaitMs: r.maxWaitMs,
    minBytes: 0,
    maxBytes,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topicId: METADATA_TOPIC_ID,
        partitions: [{ partition: 0, currentLeaderEpoch: r.currentLeaderEpoch, fetchOffset: BigInt(r.fetchOffset), lastFetchedEpoch: r.lastFetchedEpoch, logStartOffset: -1n, partitionMaxBytes: maxBytes }],
      },
    ],
    forgottenTopicsData: [],
    rackId: "",
  };
}

export function fetchRequestFromWire(wire: WireFetchRequest): FetchRequest {
  const p = onlyPartition(wire.topics, (topic) => topic.topicId === METADATA_TOPIC_ID || topic.topic === METADATA_TOPIC);
  return {
    // ReplicaState replaced ReplicaId in v15; the decoder fills in whichever the version lacks with -1.
    replicaId: wire.replicaState && wire.replicaState.replicaId >= 0 ? wire.replicaState.replicaId : (wire.replicaId ?? -1),
    currentLeaderEpoch: p.currentLeaderEpoch ?? -1,
    fetchOffset: Number(p.fetchOffset),
    lastFetchedEpoch: p.lastFetchedEpoch ?? -1,
    maxWaitMs: wire.maxWaitMs,
  };
}

export function fetchResponseToWire(r: FetchResponse, topic: { topicId?: string; topic?: string }): WireFetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    sessionId: 0,
    responses: [
      {
        ...topic,
        partitions: [
          {
            partitionIndex: 0,
            errorCode: r.errorCode,
            highWatermark: BigInt(r.highWatermark),
            lastStableOffset: BigInt(r.highWatermark),
            logStartOffset: BigInt(r.logStartOffset),
            ...(r.divergingEpoch ? { divergingEpoch: { epoch: r.divergingEpoch.epoch, endOffset: BigInt(r.divergingEpoch.offset) } } : {}),
            currentLeader: { leaderId: r.leaderId, leaderEpoch: r.leaderEpoch },
            ...(r.snapshotId ? { snapshotId: { endOffset: BigInt(r.snapshotId.offset), epoch: r.snapshotId.epoch } } : {}),
            abortedTransactions: null,
            preferredReadReplica: -1,
            records: encodeEntries(r.entries),
          },
        ],
      },
    ],
  };
}

export function fetchResponseFromWire(wire: WireFetchResponse): FetchResponse {
  const failed = (errorCode: number): FetchResponse => ({ errorCode, leaderId: -1, leaderEpoch: -1, highWatermark: -1, logStartOffset: -1, entries: [] });
  if ((wire.errorCode ?? ErrorCode.NONE) !== ErrorCode.NONE) return failed(wire.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR);
  const p = onlyPartition(wire.responses, anyTopic);
  const diverging = p.divergingEpoch && p.divergingEpoch.endOffset >= 0n ? { epoch: p.divergingEpoch.epoch, offset: Number(p.divergingEpoch.endOffset) } : undefined;
  const snapshot = p.snapshotId && p.snapshotId.endOffset >= 0n ? { offset: Number(p.snapshotId.endOffset), epoch: p.snapshotId.epoch } : undefined;
  return {
    errorCode: p.errorCode,
    leaderId: p.currentLeader?.leaderId ?? -1,
    leaderEpoch: p.currentLeader?.leaderEpoch ?? -1,
    highWatermark: Number(p.highWatermark),
    logStartOffset: Number(p.logStartOffset ?? -1n),
    ...(diverging ? { divergingEpoch: diverging } : {}),
    ...(snapshot ? { snapshotId: snapshot } : {}),
    entries: p.records ? decodeEntries(p.records).entries : [],
  };
}

// ---- FetchSnapshot ----

export function fetchSnapshotRequestToWire(clusterId: string, r: FetchSnapshotRequest): WireFetchSnapshotRequest {
  return {
    clusterId,
    replicaId: r.replicaId,
    maxBytes: r.maxBytes,
    topics: [
      {
        name: METADATA_TOPIC,
        partitions: [{ partition: 0, currentLeaderEpoch: r.currentLeaderEpoch, snapshotId: { endOffset: BigInt(r.snapshotId.offset), epoch: r.snapshotId.epoch }, position: BigInt(r.position) }],
      },
    ],
  };
}

export function fetchSnapshotRequestFromWire(wire: WireFetchSnapshotRequest): FetchSnapshotRequest {
  const p = onlyPartition(wire.topics, byName);
  return {
    replicaId: wire.replicaId,
    currentLeaderEpoch: p.currentLeaderEpoch,
    snapshotId: { offset: Number(p.snapshotId.endOffset), epoch: p.snapshotId.epoch },
    position: Number(p.position),
    maxBytes: wire.maxBytes,
  };
}

export function fetchSnapshotResponseToWire(r: FetchSnapshotResponse): WireFetchSnapshotResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    topics: [
      {
        name: METADATA_TOPIC,
        partitions: [
          {
            index: 0,
            errorCode: r.errorCode,
            snapshotId: { endOffset: BigInt(r.snapshotId.offset), epoch: r.snapshotId.epoch },
            currentLeader: { leaderId: r.leaderId, leaderEpoch: r.leaderEpoch },
            size: BigInt(r.size),
            position: BigInt(r.position),
            unalignedRecords: r.bytes,
          },
        ],
      },
    ],
  };
}

export function fetchSnapshotResponseFromWire(wire: WireFetchSnapshotResponse): FetchSnapshotResponse {
  if (wire.errorCode !== ErrorCode.NONE) {
    return { errorCode: wire.errorCode, leaderId: -1, leaderEpoch: -1, snapshotId: { offset: -1, epoch: -1 }, size: 0, position: 0, bytes: Buffer.alloc(0) };
  }
  const p = onlyPartition(wire.topics, anyTopic);
  return {
    errorCode: p.errorCode,
    leaderId: p.currentLeader?.leaderId ?? -1,
    leaderEpoch: p.currentLeader?.leaderEpoch ?? -1,
    snapshotId: { offset: Number(p.snapshotId.endOffset), epoch: p.snapshotId.epoch },
    size: Number(p.size),
    position: Number(p.position),
    bytes: Buffer.from(p.unalignedRecords),
  };
}
