// DeleteTopics (key 20), versions 1-6: by name, and from v6 by topic id, committed through the
// metadata quorum; each hosted replica's directory goes with it. Unknown names are
// UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID, a topic named twice INVALID_REQUEST.
// Not implemented: delete.topic.enable=false; quotas (throttle 0).
import { ErrorCode, type ErrorName } from "../protocol/errors.ts";
import { ApiKey, type DeleteTopicsResponseDeletableTopicResult } from "../protocol/generated/messages.ts";
import { ZERO_UUID } from "../protocol/uuid.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";

export const deleteTopics: ApiHandler<typeof ApiKey.DeleteTopics, BrokerContext> = {
  apiKey: ApiKey.DeleteTopics,
  minVersion: 1,
  maxVersion: 6,
  async handle(request, context) {
    const version = request.apiVersion;
    const wanted = version >= 6
      ? (request.body.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId }))
      : (request.body.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
    const result = (name: string | null, topicId: string, error: ErrorName, message: string | null = null): DeleteTopicsResponseDeletableTopicResult => ({
      name,
      topicId,
      errorCode: ErrorCode[error],
      errorMessage: message,
    });

    // Resolve ids to names first, so a topic named twice (by name or id) is caught either way.
    const resolved = wanted.map(({ name, topicId }) => {
      if (topicId !== ZERO_UUID) {
        if (name !== null) return { name, topicId, error: result(name, topicId, "INVALID_REQUEST", "You may not specify both topic name and topic id.") };
        const topic = context.quorum.image.topicsById.get(topicId);
        return topic ? { name: topic.name, topicId } : { name: null, topicId, error: result(null, topicId, "UNKNOWN_TOPIC_ID") };
      }
      if (name === null) return { name, topicId, error: result(null, topicId, "INVALID_REQUEST", "Neither topic name nor id were specified.") };
      return { name, topicId };
    });
    const counts = new Map<string, number>();
    for (const r of resolved) if (!r.error && r.name !== null) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);

    const responses: DeleteTopicsResponseDeletableTopicResult[] = [];
    for (const r of resolved) {
      if (r.error) {
        responses.push(r.error);
        continue;
      }
      const name = r.name as string;
      if ((counts.get(name) ?? 0) > 1) {
        responses.push(result(name, r.topicId, "INVALID_REQUEST", "Duplicate topic name."));
        continue;
      }
      const topicId = context.quorum.image.topicsByName.get(name)?.topicId ?? ZERO_UUID;
      const plan = await context.topics.deleteTopic(name);
      responses.push(plan.ok ? result(name, topicId, "NONE") : result(name, topicId, plan.error as ErrorName, plan.message));
    }
    return { throttleTimeMs: 0, responses };
  },
};
