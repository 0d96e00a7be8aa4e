// DeleteRecords (key 21), versions 0-2: moves each partition's log start offset up to the given
// offset (-1: the high watermark) and deletes the segments wholly below it; answered with the low
// watermark. An offset above the high watermark is OFFSET_OUT_OF_RANGE, as in Kafka.
// Not implemented: cleanup.policy=compact refusal (compaction is not served at all); quotas.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { BrokerContext } from "../broker/context.ts";
import { wireError } from "../broker/errors.ts";
import type { ApiHandler } from "./api.ts";

export const deleteRecords: ApiHandler<typeof ApiKey.DeleteRecords, BrokerContext> = {
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(request, context) {
    const topics = request.body.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ partitionIndex, offset }) => {
        const failed = (errorCode: number) => ({ partitionIndex, lowWatermark: -1n, errorCode });
        if (context.quorum.image.partition(topic.name, partitionIndex) === undefined) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const partition = context.replicas.partition(topic.name, partitionIndex);
        if (!partition) return failed(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        try {
          const lowWatermark = partition.deleteRecordsBefore(Number(offset));
          return { partitionIndex, lowWatermark: BigInt(lowWatermark), errorCode: ErrorCode.NONE };
        } catch (error) {
          const { errorCode, message, expected } = wireError(error);
          if (!expected) context.logger.log("error", "delete records failed", { partition: partition.key, error: message });
          return failed(errorCode);
        }
      }),
    }));
    return { throttleTimeMs: 0, topics };
  },
};
