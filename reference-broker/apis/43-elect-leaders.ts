// ElectLeaders (key 43), versions 0-2: PREFERRED (v0's only kind) and UNCLEAN elections decided by
// the controller and committed through the metadata quorum (kafka-leader-election). Null topic
// partitions mean every partition, answered without those that need no election, as Kafka does.
// An unknown election type is INVALID_REQUEST for every partition named.
// Not implemented: quotas (throttle 0); the request timeout (the metadata write has its own bound).
import { ApiKey, type ElectLeadersResponse } from "../protocol/generated/messages.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ElectionType, planElectLeaders, type ElectionTypeId } from "../metadata/elect-leaders.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";
import { commitDecision, errorCodeOf } from "./controller-decision.ts";

export const electLeaders: ApiHandler<typeof ApiKey.ElectLeaders, BrokerContext> = {
  apiKey: ApiKey.ElectLeaders,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, context) {
    const { topicPartitions } = request.body;
    const electionType = request.body.electionType ?? ElectionType.PREFERRED;
    const everyPartition = (errorCode: number, errorMessage: string | null): ElectLeadersResponse => ({
      throttleTimeMs: 0,
      errorCode,
      replicaElectionResults: (topicPartitions ?? []).map((t) => ({
        topic: t.topic,
        partitionResult: t.partitions.map((partitionId) => ({ partitionId, errorCode, errorMessage })),
      })),
    });
    if (!Object.values<number>(ElectionType).includes(electionType)) {
      return everyPartition(ErrorCode.INVALID_REQUEST, `Unknown election type ${electionType}`);
    }
    const outcome = await commitDecision(context.quorum, false, (image) => {
      const decision = planElectLeaders(image, electionType as ElectionTypeId, topicPartitions);
      return { records: decision.records, answer: decision.results };
    });
    if (!("answer" in outcome)) return everyPartition(errorCodeOf(outcome.error), outcome.message);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: outcome.answer.map((t) => ({
        topic: t.topic,
        partitionResult: t.partitionResult.map((p) => ({ partitionId: p.partitionId, errorCode: errorCodeOf(p.error), errorMessage: p.message })),
      })),
    };
  },
};
