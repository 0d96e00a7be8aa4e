// ListOffsets (key 2), versions 1-7: earliest (-2), latest (-1, the high watermark for consumers),
// max-timestamp (-3, from v7) and the first offset at or after a timestamp, with the leader epoch
// of the answer (v4+) and leader-epoch fencing. Timestamps a version does not know are
// UNSUPPORTED_VERSION per partition; a partition listed twice is INVALID_REQUEST, as in Kafka.
// Not implemented: tiered storage (-4, -5: v8+ is not served).
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP } from "../log/partition-log.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type ListOffsetsResponseListOffsetsPartitionResponse } from "../protocol/generated/messages.ts";
import type { BrokerContext } from "../broker/context.ts";
import { wireError } from "../broker/errors.ts";
import { NO_LEADER_EPOCH, type IsolationLevel } from "../broker/partition.ts";
import type { ApiHandler } from "./api.ts";

const CONSUMER_REPLICA_ID = -1;

/** The first version that may ask for each special timestamp (Kafka's timestampMinSupportedVersion). */
const MIN_VERSION_OF_TIMESTAMP = new Map<number, number>([
  [EARLIEST_TIMESTAMP, 1],
  [LATEST_TIMESTAMP, 1],
  [MAX_TIMESTAMP, 7],
]);

function failed(partitionIndex: number, errorCode: number): ListOffsetsResponseListOffsetsPartitionResponse {
  return { partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1 };
}

export const listOffsets: ApiHandler<typeof ApiKey.ListOffsets, BrokerContext> = {
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 7,
  handle(request, context) {
    const { replicaId, topics } = request.body;
    const version = request.apiVersion;
    // Only consumers are bounded by the high watermark; replicas and debugging tools see the log end.
    const isolation: IsolationLevel | undefined =
      replicaId !== CONSUMER_REPLICA_ID ? undefined : request.body.isolationLevel === 1 ? "read_committed" : "read_uncommitted";
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const seen = new Map<string, number>();
    for (const t of topics) for (const p of t.partitions) seen.set(key(t.name, p.partitionIndex), (seen.get(key(t.name, p.partitionIndex)) ?? 0) + 1);

    const responseTopics = topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((p): ListOffsetsResponseListOffsetsPartitionResponse => {
        if ((seen.get(key(topic.name, p.partitionIndex)) ?? 0) > 1) return failed(p.partitionIndex, ErrorCode.INVALID_REQUEST);
        const timestamp = Number(p.timestamp);
        if (timestamp < 0 && version < (MIN_VERSION_OF_TIMESTAMP.get(timestamp) ?? Infinity)) return failed(p.partitionIndex, ErrorCode.UNSUPPORTED_VERSION);
        if (context.quorum.image.partition(topic.name, p.partitionIndex) === undefined) return failed(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const partition = context.replicas.partition(topic.name, p.partitionIndex);
        if (!partition) return failed(p.partitionIndex, ErrorCode.NOT_LEADER_OR_FOLLOWER);
        try {
          const found = partition.fetchOffsetForTimestamp(timestamp, isolation, p.currentLeaderEpoch ?? NO_LEADER_EPOCH);
          if (found === undefined) return failed(p.partitionIndex, ErrorCode.NONE);
          return {
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.NONE,
            timestamp: BigInt(found.timestamp),
            offset: BigInt(found.offset),
            leaderEpoch: version >= 4 && found.leaderEpoch !== undefined ? found.leaderEpoch : -1,
          };
        } catch (error) {
          const { errorCode, message, expected } = wireError(error);
          if (!expected) context.logger.log("error", "list offsets failed", { partition: partition.key, error: message });
          return failed(p.partitionIndex, errorCode);
        }
      }),
    }));
    return { throttleTimeMs: 0, topics: responseTopics };
  },
};
