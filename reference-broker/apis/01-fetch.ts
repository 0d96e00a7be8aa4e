// Fetch (key 1), versions 4-12. Consumers: whole batches up to the high watermark (the last
// stable offset is the same, there being no transactions), log start offset, OFFSET_OUT_OF_RANGE,
// leader-epoch fencing (v9+), response and partition byte limits with Kafka's "first batch even if
// larger" rule, and long polling (maxWaitMs/minBytes, woken by appends and high watermark moves).
// From v11 a consumer may read from a follower, up to the high watermark that follower knows, and
// the leader names a preferred read replica when replica.selector.class is set and the consumer
// gave its rack (KIP-392). Followers (replica id >= 0): read up to the log end, a diverging epoch
// (v12) when their last fetched epoch ends before their fetch offset, and each fetch reports their
// log end offset, which moves the ISR and the high watermark. Empty record sets are zero-length,
// never null. Fetch sessions are not kept, as in a Kafka broker with
// max.incremental.fetch.session.cache.slots=0: a full fetch is answered with session id 0, an
// incremental one with FETCH_SESSION_ID_NOT_FOUND.
// Not implemented: quotas (throttle 0).
import { OffsetOutOfRangeError } from "../log/errors.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type FetchRequestFetchPartition, type FetchResponsePartitionData } from "../protocol/generated/messages.ts";
import type { BrokerContext } from "../broker/context.ts";
import { wireError } from "../broker/errors.ts";
import { NO_LEADER_EPOCH, type Partition } from "../broker/partition.ts";
import { findPreferredReadReplica } from "../replication/replica-selector.ts";
import type { ApiHandler, RequestOf } from "./api.ts";

const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;
const INT32_MAX = 2147483647;
const EMPTY = Buffer.alloc(0);
/** Consumers may read from followers from this version, which carries their rack (KIP-392). */
const FIRST_CLIENT_METADATA_VERSION = 11;

type FetchRequest = RequestOf<typeof ApiKey.Fetch>["body"];

/** Who is fetching (Kafka's FetchParams): a follower replicating, or a consumer. */
type FetchSource =
  | { kind: "follower"; replicaId: number; updateFetchState: boolean }
  | { kind: "consumer"; readCommitted: boolean; fetchOnlyFromLeader: boolean; clientRack: string | undefined };

interface PartitionRead {
  topic: string;
  data: FetchResponsePartitionData;
  /** The hosted replica that was read, when the read got that far. */
  partition: Partition | undefined;
  fetchOffset: number;
  /** Not in the metadata: answered with an error but, as in Kafka, no reason to answer early. */
  unknown: boolean;
}

function errorData(partitionIndex: number, errorCode: number): FetchResponsePartitionData {
  return { partitionIndex, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: EMPTY };
}

function dataOf(
  partitionIndex: number,
  read: { highWatermark: number; logStartOffset: number; records: Buffer },
  abortedTransactions: FetchResponsePartitionData["abortedTransactions"],
): FetchResponsePartitionData {
  return {
    partitionIndex,
    errorCode: ErrorCode.NONE,
    highWatermark: BigInt(read.highWatermark),
    lastStableOffset: BigInt(read.highWatermark),
    logStartOffset: BigInt(read.logStartOffset),
    abortedTransactions,
    preferredReadReplica: -1,
    records: read.records,
  };
}

/** One partition of a follower's fetch: its records to the log end, or where its log diverges. */
function readForFollower(partition: Partition, request: FetchRequestFetchPartition, source: FetchSource & { kind: "follower" }, maxBytes: number, minOneMessage: boolean) {
  const read = partition.fetchRecordsForFollower(
    source.replicaId,
    {
      fetchOffset: Number(request.fetchOffset),
      logStartOffset: Number(request.logStartOffset ?? -1n),
      currentLeaderEpoch: request.currentLeaderEpoch ?? NO_LEADER_EPOCH,
      lastFetchedEpoch: request.lastFetchedEpoch ?? NO_LEADER_EPOCH,
      maxBytes,
      minOneMessage,
    },
    source.updateFetchState,
  );
  const data = dataOf(request.partition, read, null);
  if (read.divergingEpoch) data.divergingEpoch = { epoch: read.divergingEpoch.leaderEpoch, endOffset: BigInt(read.divergingEpoch.endOffset) };
  return data;
}

/**
 * One partition of a consumer's fetch. On the leader, a consumer in a rack that has an in-sync
 * follower is sent there instead: no records, the follower's id as preferred read replica.
 */
function readForConsumer(context: BrokerContext, partition: Partition, request: FetchRequestFetchPartition, source: FetchSource & { kind: "consumer" }, maxBytes: number, minOneMessage: boolean) {
  const fetchOffset = Number(request.fetchOffset);
  const currentLeaderEpoch = request.currentLeaderEpoch ?? NO_LEADER_EPOCH;
  const aborted = source.readCommitted ? [] : null;
  const selector = context.replicaSelector;
  const preferred =
    selector && source.clientRack !== undefined ? findPreferredReadReplica(partition, context.quorum.image, selector, source.clientRack, fetchOffset, context.clock.nowMs()) : undefined;
  if (preferred !== undefined) {
    // No data, only the leader's offsets (a zero-byte read still checks the epoch and the offset).
    return { ...dataOf(request.partition, partition.read(fetchOffset, 0, false, currentLeaderEpoch), aborted), preferredReadReplica: preferred };
  }
  return dataOf(request.partition, partition.read(fetchOffset, maxBytes, minOneMessage, currentLeaderEpoch, source.fetchOnlyFromLeader), aborted);
}

/** One pass over the requested partitions, as Kafka's readFromLog: minOneMessage until the first data. */
function readAll(context: BrokerContext, body: FetchRequest, source: FetchSource): PartitionRead[] {
  let limitBytes = body.maxBytes ?? INT32_MAX;
  let minOneMessage = true;
  const reads: PartitionRead[] = [];
  for (const topic of body.topics) {
    const name = topic.topic ?? "";
    for (const request of topic.partitions) {
      const fetchOffset = Number(request.fetchOffset);
      const read = (data: FetchResponsePartitionData, partition?: Partition) => reads.push({ topic: name, data, partition, fetchOffset, unknown: false });
      if (context.quorum.image.partition(name, request.partition) === undefined) {
        reads.push({ topic: name, data: errorData(request.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), partition: undefined, fetchOffset, unknown: true });
        continue;
      }
      const partition = context.replicas.partition(name, request.partition);
      if (!partition) {
        read(errorData(request.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER));
        continue;
      }
      try {
        const maxBytes = Math.min(request.partitionMaxBytes, limitBytes);
        const data =
          source.kind === "follower" ? readForFollower(partition, request, source, maxBytes, minOneMessage) : readForConsumer(context, partition, request, source, maxBytes, minOneMessage);
        const size = data.records?.length ?? 0;
        if (size > 0) minOneMessage = false;
        limitBytes = Math.max(0, limitBytes - size);
        read(data, partition);
      } catch (error) {
        const { errorCode, message, expected } = wireError(error);
        if (!expected) context.logger.log("error", "fetch failed", { partition: partition.key, error: message });
        read(errorData(request.partition, errorCode), error instanceof OffsetOutOfRangeError ? undefined : partition);
      }
    }
  }
  return reads;
}

function respond(reads: readonly PartitionRead[]) {
  const responses: { topic: string; partitions: FetchResponsePartitionData[] }[] = [];
  for (const read of reads) {
    const last = responses[responses.length - 1];
    if (last && last.topic === read.topic) last.partitions.push(read.data);
    else responses.push({ topic: read.topic, partitions: [read.data] });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
}

export const fetch: ApiHandler<typeof ApiKey.Fetch, BrokerContext> = {
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 12,
  async handle(request, context) {
    const body = request.body;
    const sessionEpoch = body.sessionEpoch ?? FINAL_EPOCH;
    if (sessionEpoch !== INITIAL_EPOCH && sessionEpoch !== FINAL_EPOCH) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const replicaId = body.replicaId ?? -1;
    const source: FetchSource =
      replicaId >= 0
        ? { kind: "follower", replicaId, updateFetchState: true }
        : {
            kind: "consumer",
            readCommitted: body.isolationLevel === 1,
            fetchOnlyFromLeader: request.apiVersion < FIRST_CLIENT_METADATA_VERSION,
            clientRack: request.apiVersion >= FIRST_CLIENT_METADATA_VERSION ? (body.rackId ?? "") : undefined,
          };
    const first = readAll(context, body, source);
    const known = first.filter((r) => !r.unknown);
    const bytes = known.reduce((sum, r) => sum + (r.data.records?.length ?? 0), 0);
    const answerNow = known.some((r) => r.data.errorCode !== ErrorCode.NONE || (r.data.divergingEpoch?.epoch ?? -1) >= 0 || (r.data.preferredReadReplica ?? -1) >= 0);
    if (body.maxWaitMs <= 0 || known.length === 0 || bytes >= body.minBytes || answerNow) return respond(first);

    // Park until enough new bytes may be readable (an estimate from the bytes appended since, once
    // the readable end passed the fetch offset, as Kafka's DelayedFetch estimates from log
    // positions), leadership or the leader epoch moves, or the offset left the log.
    const follower = source.kind === "follower";
    const mustLead = follower || source.fetchOnlyFromLeader;
    const watched = known.filter((r): r is PartitionRead & { partition: Partition } => r.partition !== undefined);
    const atPark = watched.map((r) => ({ appended: r.partition.bytesAppended, leaderEpoch: r.partition.leaderEpoch }));
    const satisfied = () => {
      let estimate = bytes;
      for (const [i, r] of watched.entries()) {
        const now = context.replicas.partition(r.topic, r.data.partitionIndex);
        if (now !== r.partition || (mustLead && !now.isLeader) || now.leaderEpoch !== atPark[i].leaderEpoch) return true;
        // Beyond the readable end (a truncated log, or a high watermark that went back): answer now, as Kafka.
        const readableEnd = follower ? now.log.logEndOffset : now.log.highWatermark;
        if (r.fetchOffset < now.log.logStartOffset || r.fetchOffset > readableEnd) return true;
        if (readableEnd > r.fetchOffset) estimate += Math.max(1, now.bytesAppended - atPark[i].appended);
      }
      return estimate >= body.minBytes;
    };
    await context.purgatory.wait({ keys: watched.map((r) => r.partition.key), isSatisfied: satisfied }, body.maxWaitMs);
    // A follower's position was recorded by the first read; the second only collects (Kafka's readFromPurgatory).
    return respond(readAll(context, body, follower ? { ...source, updateFetchState: false } : source));
  },
};
