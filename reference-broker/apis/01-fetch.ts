// Fetch (key 1), versions 4-12, for consumers: whole batches up to the high watermark (the last
// stable offset is the same, there being no transactions), log start offset, OFFSET_OUT_OF_RANGE,
// leader-epoch fencing (v9+), response and partition byte limits with Kafka's "first batch even if
// larger" rule, and long polling (maxWaitMs/minBytes, woken by appends). Empty record sets are
// zero-length, never null. Fetch sessions are not kept, as in a Kafka broker with
// max.incremental.fetch.session.cache.slots=0: a full fetch is answered with session id 0, an
// incremental one with FETCH_SESSION_ID_NOT_FOUND.
// Not implemented: follower fetches (replica id >= 0; issue 4), preferred read replicas (-1),
// quotas (throttle 0), diverging-epoch detection (followers only).
import { OffsetOutOfRangeError } from "../log/errors.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type FetchResponsePartitionData } from "../protocol/generated/messages.ts";
import type { BrokerContext } from "../broker/context.ts";
import { wireError } from "../broker/errors.ts";
import { NO_LEADER_EPOCH, type Partition } from "../broker/partition.ts";
import type { ApiHandler, RequestOf } from "./api.ts";

const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;
const INT32_MAX = 2147483647;
const EMPTY = Buffer.alloc(0);

type FetchRequest = RequestOf<typeof ApiKey.Fetch>["body"];

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

/** One pass over the requested partitions, as Kafka's readFromLog: minOneMessage until the first data. */
function readAll(context: BrokerContext, body: FetchRequest, readCommitted: boolean): PartitionRead[] {
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
        const result = partition.read(fetchOffset, maxBytes, minOneMessage, request.currentLeaderEpoch ?? NO_LEADER_EPOCH);
        if (result.records.length > 0) minOneMessage = false;
        limitBytes = Math.max(0, limitBytes - result.records.length);
        read(
          {
            partitionIndex: request.partition,
            errorCode: ErrorCode.NONE,
            highWatermark: BigInt(result.highWatermark),
            lastStableOffset: BigInt(result.lastStableOffset),
            logStartOffset: BigInt(result.logStartOffset),
            abortedTransactions: readCommitted ? [] : null,
            preferredReadReplica: -1,
            records: result.records,
          },
          partition,
        );
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
    if ((body.replicaId ?? -1) >= 0) {
      return respond(body.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic ?? "", data: errorData(p.partition, ErrorCode.NOT_LEADER_OR_FOLLOWER), partition: undefined, fetchOffset: 0, unknown: false }))));
    }
    const readCommitted = body.isolationLevel === 1;
    const first = readAll(context, body, readCommitted);
    const known = first.filter((r) => !r.unknown);
    const bytes = known.reduce((sum, r) => sum + (r.data.records?.length ?? 0), 0);
    const readError = known.some((r) => r.data.errorCode !== ErrorCode.NONE);
    if (body.maxWaitMs <= 0 || known.length === 0 || bytes >= body.minBytes || readError) return respond(first);

    // Park until enough new bytes may be readable (an estimate from the bytes appended since, as
    // Kafka's DelayedFetch estimates from log positions), leadership moves, or the offset left the log.
    const watched = known.filter((r): r is PartitionRead & { partition: Partition } => r.partition !== undefined);
    const appendedAtPark = watched.map((r) => r.partition.bytesAppended);
    const satisfied = () => {
      let estimate = bytes;
      for (const [i, r] of watched.entries()) {
        const now = context.replicas.partition(r.topic, r.data.partitionIndex);
        if (now !== r.partition || !now.isLeader) return true;
        if (r.fetchOffset < now.log.logStartOffset || r.fetchOffset > now.log.logEndOffset) return true;
        estimate += now.bytesAppended - appendedAtPark[i];
      }
      return estimate >= body.minBytes;
    };
    await context.purgatory.wait({ keys: watched.map((r) => r.partition.key), isSatisfied: satisfied }, body.maxWaitMs);
    return respond(readAll(context, body, readCommitted));
  },
};
