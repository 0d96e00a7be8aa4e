// Metadata (key 3), versions 0-12: live brokers, cluster id, a random live broker as controller id
// (KRaft), and topics with topic ids, partitions, leaders, leader epochs, replicas, ISR and offline
// replicas. Unknown topics are auto-created when auto.create.topics.enable and the request allow
// it, answered LEADER_NOT_AVAILABLE as Kafka does while the creation is under way.
// Not implemented: authorization (every operation is allowed, as in Kafka without an authorizer);
// LISTENER_NOT_FOUND (there is one listener).
import {
  ApiKey,
  type MetadataRequestTopic,
  type MetadataResponse,
  type MetadataResponsePartition,
  type MetadataResponseTopic,
} from "../protocol/generated/messages.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ZERO_UUID } from "../protocol/uuid.ts";
import type { MetadataImage, PartitionState, TopicState } from "../metadata/image.ts";
import { NO_LEADER } from "../metadata/records.ts";
import { isInternalTopic, topicNameProblem } from "../metadata/topic-names.ts";
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS, TOPIC_OPERATIONS } from "../broker/authorized-operations.ts";
import { liveBrokers, randomLiveBrokerId } from "../broker/cluster-view.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";

export const metadata: ApiHandler<typeof ApiKey.Metadata, BrokerContext> = {
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  async handle(request, context) {
    const version = request.apiVersion;
    const body = request.body;
    const isAllTopics = body.topics === null || (version === 0 && body.topics.length === 0);
    const requested = body.topics ?? [];
    // Topic ids in requests exist from v12; before it a null name or an id is malformed.
    if (!isAllTopics && requested.some((t) => version < 12 && (t.name === null || (t.topicId ?? ZERO_UUID) !== ZERO_UUID))) {
      return invalidRequestResponse(requested);
    }

    const byId = requested.map((t) => t.topicId ?? ZERO_UUID).filter((id) => id !== ZERO_UUID);
    const responses: MetadataResponseTopic[] = [];
    let names: string[];
    if (isAllTopics) {
      names = [...context.quorum.image.topicsByName.keys()];
    } else if (byId.length > 0) {
      names = [];
      for (const topicId of new Set(byId)) {
        const topic = context.quorum.image.topicsById.get(topicId);
        if (topic) names.push(topic.name);
        else responses.push({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, name: null, topicId, isInternal: false, partitions: [] });
      }
    } else {
      names = [...new Set(requested.map((t) => t.name as string))];
    }

    const allowAutoCreation = version < 4 || (body.allowAutoTopicCreation ?? true);
    const autoCreate = allowAutoCreation && context.config.bool("auto.create.topics.enable") && !isAllTopics;
    for (const name of names) {
      const topic = context.quorum.image.topicsByName.get(name);
      responses.push(topic ? describeTopic(context.quorum.image, topic, version) : await missingTopic(context, name, autoCreate));
    }

    const image = context.quorum.image;
    const includeTopicOperations = version >= 8 && (body.includeTopicAuthorizedOperations ?? false);
    for (const topic of responses) topic.topicAuthorizedOperations = includeTopicOperations ? TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED;
    const response: MetadataResponse = {
      throttleTimeMs: 0,
      brokers: liveBrokers(image),
      clusterId: context.clusterId,
      controllerId: randomLiveBrokerId(image),
      topics: responses,
      clusterAuthorizedOperations: version >= 8 && version <= 10 && body.includeClusterAuthorizedOperations ? CLUSTER_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
    };
    return response;
  },
};

/** Kafka's MetadataRequest.getErrorResponse: every requested topic with the error, no partitions. */
function invalidRequestResponse(requested: readonly MetadataRequestTopic[]): MetadataResponse {
  return {
    throttleTimeMs: 0,
    brokers: [],
    topics: requested.map((t) => ({ errorCode: ErrorCode.INVALID_REQUEST, name: t.name ?? "", topicId: t.topicId ?? ZERO_UUID, isInternal: false, partitions: [] })),
  };
}

async function missingTopic(context: BrokerContext, name: string, autoCreate: boolean): Promise<MetadataResponseTopic> {
  const internal = isInternalTopic(name);
  const missing = (errorCode: number): MetadataResponseTopic => ({ errorCode, name, topicId: ZERO_UUID, isInternal: internal, partitions: [] });
  if (topicNameProblem(name) !== undefined) return missing(ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (!autoCreate) return missing(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const created = await context.topics.autoCreateTopic(name);
  if (!created.ok && created.error !== "TOPIC_ALREADY_EXISTS") {
    context.logger.log("info", "auto-creation of a topic failed", { topic: name, error: created.error, reason: created.message });
  }
  return missing(ErrorCode.LEADER_NOT_AVAILABLE);
}

function describeTopic(image: MetadataImage, topic: TopicState, version: number): MetadataResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions: topic.partitions.filter((p) => p !== undefined).map((p) => describePartition(image, p, version)),
  };
}

/**
 * Kafka's KRaftMetadataCache: a leader that is not a registered broker makes the partition
 * LEADER_NOT_AVAILABLE with leader -1; replicas on fenced or unknown brokers are offline. Only v0
 * leaves unknown brokers out of the replica lists, flagging REPLICA_NOT_AVAILABLE.
 */
function describePartition(image: MetadataImage, state: PartitionState, version: number): MetadataResponsePartition {
  const registered = (id: number) => image.brokers.has(id);
  const replicaNodes = version === 0 ? state.replicas.filter(registered) : [...state.replicas];
  const isrNodes = version === 0 ? state.isr.filter(registered) : [...state.isr];
  const offlineReplicas = state.replicas.filter((id) => !image.isLive(id));
  const base = { partitionIndex: state.partition, leaderEpoch: state.leaderEpoch, replicaNodes, isrNodes, offlineReplicas };
  if (state.leader === NO_LEADER || !registered(state.leader)) {
    return { ...base, errorCode: ErrorCode.LEADER_NOT_AVAILABLE, leaderId: NO_LEADER };
  }
  const incomplete = replicaNodes.length < state.replicas.length || isrNodes.length < state.isr.length;
  return { ...base, errorCode: incomplete ? ErrorCode.REPLICA_NOT_AVAILABLE : ErrorCode.NONE, leaderId: state.leader };
}
