// OffsetCommit (key 8), versions 2-9: a group's committed offsets, checked against its generation and
// members by the coordinator and acknowledged once durable in __consumer_offsets. Partitions of
// topics or partitions that do not exist are UNKNOWN_TOPIC_OR_PARTITION before the coordinator sees
// the request, as in Kafka. v0 (ZooKeeper) and v1 are gone from Kafka 4; librdkafka's consumer only
// needs the advertised range to overlap 1-2.
// Not implemented: authorization; retention_time_ms (v2-4) and offset expiry (offsets.retention.minutes).
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type OffsetCommitRequestTopic } from "../protocol/generated/messages.ts";
import type { OffsetCommitResponse } from "../groups/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import { groupRequestContext } from "../group-service/request-context.ts";
import type { ApiHandler } from "./api.ts";

export const offsetCommit: ApiHandler<typeof ApiKey.OffsetCommit, GroupApiContext> = {
  apiKey: ApiKey.OffsetCommit,
  minVersion: 2,
  maxVersion: 9,
  async handle(request, context, connection) {
    const body = request.body;
    const image = context.quorum.image;
    const exists = (topic: string, partition: number) => image.partition(topic, partition) !== undefined;
    const known: OffsetCommitRequestTopic[] = body.topics
      .map((topic) => ({ ...topic, partitions: topic.partitions.filter((p) => exists(topic.name, p.partitionIndex)) }))
      .filter((topic) => topic.partitions.length > 0);

    // The coordinator answers the known partitions in request order; the unknown ones fill in around them.
    const answered: number[] = [];
    if (known.length > 0) {
      const groupContext = groupRequestContext(request, connection);
      const response = await context.groups.run(
        body.groupId,
        (coordinator) => coordinator.commitOffsets({ ...body, topics: known }, groupContext),
        (errorCode) => Promise.resolve(everyPartition(known, errorCode)),
      );
      for (const topic of response.topics) for (const partition of topic.partitions) answered.push(partition.errorCode);
    }
    let next = 0;
    return {
      throttleTimeMs: 0,
      topics: body.topics.map((topic) => ({
        name: topic.name,
        partitions: topic.partitions.map(({ partitionIndex }) => ({
          partitionIndex,
          errorCode: exists(topic.name, partitionIndex) ? answered[next++] : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      })),
    };
  },
};

function everyPartition(topics: readonly OffsetCommitRequestTopic[], errorCode: number): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: topics.map((topic) => ({ name: topic.name, partitions: topic.partitions.map(({ partitionIndex }) => ({ partitionIndex, errorCode })) })),
  };
}
