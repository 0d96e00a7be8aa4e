// CreatePartitions (key 37), versions 0-3: grows topics' partition counts through the metadata
// quorum (kafka-topics --alter --partitions, kafkajs admin.createPartitions). Every broker hosting a
// new replica opens it when the records apply; the leaders start replicating as for CreateTopics.
// All topics of a request commit in one batch; validateOnly commits nothing. A topic named twice
// is INVALID_REQUEST, as in Kafka.
// Not implemented: create-topic policies; quotas (throttle 0).
import { ApiKey, type CreatePartitionsResponseCreatePartitionsTopicResult } from "../protocol/generated/messages.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { planCreatePartitions } from "../metadata/create-partitions.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";
import { commitDecision, errorCodeOf } from "./controller-decision.ts";

type Result = CreatePartitionsResponseCreatePartitionsTopicResult;

export const createPartitions: ApiHandler<typeof ApiKey.CreatePartitions, BrokerContext> = {
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, context) {
    const { topics, validateOnly } = request.body;
    const counts = new Map<string, number>();
    for (const topic of topics) counts.set(topic.name, (counts.get(topic.name) ?? 0) + 1);
    // Kafka answers duplicates first, then the topics it decided on.
    const duplicates: Result[] = [...counts]
      .filter(([, count]) => count > 1)
      .map(([name]) => ({ name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: "Duplicate topic name." }));
    const wanted = topics.filter((topic) => counts.get(topic.name) === 1);
    const outcome = await commitDecision(context.quorum, validateOnly, (image) => {
      const records: MetadataRecord[] = [];
      const answer = wanted.map((topic): Result => {
        const decision = planCreatePartitions(image, {
          name: topic.name,
          count: topic.count,
          assignments: topic.assignments?.map((a) => [...a.brokerIds]) ?? null,
        });
        if (!decision.ok) return { name: topic.name, errorCode: errorCodeOf(decision.error), errorMessage: decision.message };
        records.push(...decision.records);
        return { name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null };
      });
      return { records, answer };
    });
    const results = "answer" in outcome
      ? outcome.answer
      : wanted.map((topic) => ({ name: topic.name, errorCode: errorCodeOf(outcome.error), errorMessage: outcome.message }));
    return { throttleTimeMs: 0, results: [...duplicates, ...results] };
  },
};
