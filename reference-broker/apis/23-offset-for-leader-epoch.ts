// OffsetForLeaderEpoch (key 23), versions 2-4: for a leader epoch, the largest epoch this log has
// at or below it and the offset where that epoch ends (consumers validate their position with it
// after a leader change; followers learn the same from Fetch v12's diverging epoch, as Kafka's
// do since truncation on fetch). Leader-epoch fencing as in Fetch.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { BrokerContext } from "../broker/context.ts";
import { wireError } from "../broker/errors.ts";
import { NO_LEADER_EPOCH } from "../broker/partition.ts";
import type { ApiHandler } from "./api.ts";

export const offsetForLeaderEpoch: ApiHandler<typeof ApiKey.OffsetForLeaderEpoch, BrokerContext> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  minVersion: 2,
  maxVersion: 4,
  handle(request, context) {
    const topics = request.body.topics.map((topic) => ({
      topic: topic.topic,
      partitions: topic.partitions.map((p) => {
        const failed = (errorCode: number) => ({ errorCode, partition: p.partition, leaderEpoch: -1, endOffset: -1n });
        if (context.quorum.image.partition(topic.topic, p.partition) === undefined) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const partition = context.replicas.partition(topic.topic, p.partition);
        if (!partition) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        try {
          const { leaderEpoch, endOffset } = partition.lastOffsetForLeaderEpoch(p.currentLeaderEpoch ?? NO_LEADER_EPOCH, p.leaderEpoch);
          return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch, endOffset: BigInt(endOffset) };
        } catch (error) {
          const { errorCode, message, expected } = wireError(error);
          if (!expected) context.logger.log("error", "offset for leader epoch failed", { partition: partition.key, error: message });
          return failed(errorCode);
        }
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
