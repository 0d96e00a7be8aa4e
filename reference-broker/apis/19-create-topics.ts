// CreateTopics (key 19), versions 2-7: topics with partition counts, replication factors or explicit
// assignments, and configs, validated and committed through the metadata quorum (validateOnly
// commits nothing), answered with the topic id (v7), partition count, replication factor and
// effective configs (v5+). A name given twice is INVALID_REQUEST, as in Kafka.
// Not implemented: create policies; quotas (throttle 0); only the topic configs this broker
// implements are accepted and echoed.
import { ErrorCode, type ErrorName } from "../protocol/errors.ts";
import { ApiKey, type CreateTopicsResponseCreatableTopicResult } from "../protocol/generated/messages.ts";
import { ZERO_UUID } from "../protocol/uuid.ts";
import { createdTopicConfigs } from "../broker/config-descriptions.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";

const CLUSTER_METADATA_TOPIC = "__cluster_metadata";

function failed(name: string, error: ErrorName, message: string): CreateTopicsResponseCreatableTopicResult {
  return { name, topicId: ZERO_UUID, errorCode: ErrorCode[error], errorMessage: message, numPartitions: -1, replicationFactor: -1, configs: [] };
}

export const createTopics: ApiHandler<typeof ApiKey.CreateTopics, BrokerContext> = {
  apiKey: ApiKey.CreateTopics,
  minVersion: 2,
  maxVersion: 7,
  async handle(request, context) {
    const { topics, validateOnly } = request.body;
    const counts = new Map<string, number>();
    for (const topic of topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1);
    const results: CreateTopicsResponseCreatableTopicResult[] = [];
    for (const topic of topics) {
      if ((counts.get(topic.name) ?? 0) > 1) continue;
      if (topic.name === CLUSTER_METADATA_TOPIC) {
        results.push(failed(topic.name, "INVALID_REQUEST", `Creation of internal topic ${CLUSTER_METADATA_TOPIC} is prohibited.`));
        continue;
      }
      const configs = topic.configs.map((c) => ({ name: c.name, value: c.value }));
      const outcome = await context.topics.createTopic(
        {
          name: topic.name,
          numPartitions: topic.numPartitions,
          replicationFactor: topic.replicationFactor,
          assignments: topic.assignments.map((a) => ({ partitionIndex: a.partitionIndex, brokerIds: [...a.brokerIds] })),
          configs,
        },
        validateOnly ?? false,
      );
      if (!outcome.ok) {
        results.push(failed(topic.name, outcome.error as ErrorName, outcome.message));
        continue;
      }
      const overrides = new Map(configs.map((c) => [c.name, c.value as string]));
      results.push({
        name: topic.name,
        topicId: outcome.topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topicConfigErrorCode: ErrorCode.NONE,
        numPartitions: outcome.numPartitions,
        replicationFactor: outcome.replicationFactor,
        configs: createdTopicConfigs(overrides, context.config),
      });
    }
    for (const [name, count] of counts) if (count > 1) results.push(failed(name, "INVALID_REQUEST", "Duplicate topic name."));
    return { throttleTimeMs: 0, topics: results };
  },
};
