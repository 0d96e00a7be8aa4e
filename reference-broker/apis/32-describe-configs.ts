// DescribeConfigs (key 32), versions 1-4: topic configs (value, source from Kafka's synonym chain,
// synonyms when asked, type, documentation when asked) and this broker's settings; `kafka-topics
// --describe` and `kafka-configs --describe` read them. The empty broker name (cluster-wide dynamic
// defaults) has none; another broker's id is INVALID_REQUEST, as Kafka answers.
// Not implemented: broker loggers, client metrics and group configs (INVALID_REQUEST); only the
// configs this broker implements are listed.
import { ErrorCode, type ErrorName } from "../protocol/errors.ts";
import { ApiKey, type DescribeConfigsResponseDescribeConfigsResult } from "../protocol/generated/messages.ts";
import { topicNameProblem } from "../metadata/topic-names.ts";
import { describeBrokerConfigs, describeTopicConfigs, type ConfigDescription } from "../broker/config-descriptions.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";

/** ConfigResource.Type ids. */
const TOPIC = 2;
const BROKER = 4;

export const describeConfigs: ApiHandler<typeof ApiKey.DescribeConfigs, BrokerContext> = {
  apiKey: ApiKey.DescribeConfigs,
  minVersion: 1,
  maxVersion: 4,
  handle(request, context) {
    const includeSynonyms = request.body.includeSynonyms ?? false;
    const includeDocumentation = request.body.includeDocumentation ?? false;
    const results = request.body.resources.map((resource): DescribeConfigsResponseDescribeConfigsResult => {
      const { resourceType, resourceName, configurationKeys } = resource;
      const answer = (errorCode: number, errorMessage: string | null, configs: ConfigDescription[]) => ({
        errorCode,
        errorMessage,
        resourceType,
        resourceName,
        configs: configs
          .filter((c) => configurationKeys === null || configurationKeys.length === 0 || configurationKeys.includes(c.name))
          .map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            configSource: c.configSource,
            isSensitive: c.isSensitive,
            synonyms: includeSynonyms ? c.synonyms : [],
            configType: c.configType,
            documentation: includeDocumentation ? c.documentation : null,
          })),
      });
      const refuse = (error: ErrorName, message: string | null) => answer(ErrorCode[error], message, []);
      if (resourceType === TOPIC) {
        const problem = topicNameProblem(resourceName);
        if (problem) return refuse("INVALID_TOPIC_EXCEPTION", problem);
        if (!context.quorum.image.topicsByName.has(resourceName)) return refuse("UNKNOWN_TOPIC_OR_PARTITION", null);
        return answer(ErrorCode.NONE, null, describeTopicConfigs(context.quorum.image.configOverrides("topic", resourceName), context.config));
      }
      if (resourceType === BROKER) {
        if (resourceName === "") return answer(ErrorCode.NONE, null, []);
        if (resourceName !== String(context.nodeId)) {
          return refuse("INVALID_REQUEST", `Unexpected broker id, expected ${context.nodeId} or empty string, but received ${resourceName}`);
        }
        return answer(ErrorCode.NONE, null, describeBrokerConfigs(context.config));
      }
      return refuse("INVALID_REQUEST", `Unsupported resource type: ${resourceType}`);
    });
    return { throttleTimeMs: 0, results };
  },
};
