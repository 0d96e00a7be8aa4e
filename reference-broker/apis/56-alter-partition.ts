// AlterPartition (key 56), versions 2-3, on the controller listener: a partition leader asks the
// active controller to commit a new ISR. Leader epoch and partition epoch must be current (else
// FENCED_LEADER_EPOCH / INVALID_UPDATE_VERSION) and the broker epoch the broker's registration's.
// Not implemented: topic names (v0-1); leader recovery state (always RECOVERED).
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type AlterPartitionResponseTopicData } from "../protocol/generated/messages.ts";
import type { ControllerContext } from "../quorum/node/controller-context.ts";
import type { ApiHandler } from "./api.ts";

export const alterPartition: ApiHandler<typeof ApiKey.AlterPartition, ControllerContext> = {
  apiKey: ApiKey.AlterPartition,
  minVersion: 2,
  maxVersion: 3,
  async handle(request, context) {
    const { brokerId, brokerEpoch, topics } = request.body;
    const results: AlterPartitionResponseTopicData[] = [];
    for (const topic of topics) {
      const topicId = topic.topicId ?? "";
      const partitions: AlterPartitionResponseTopicData["partitions"] = [];
      for (const p of topic.partitions) {
        const newIsr = p.newIsr ?? p.newIsrWithEpochs?.map((b) => b.brokerId) ?? [];
        const answer = await context.controller.alterPartition(brokerId, Number(brokerEpoch), {
          topicId,
          partition: p.partitionIndex,
          leaderId: brokerId,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          newIsr,
        });
        if (answer.errorCode === ErrorCode.NOT_CONTROLLER || answer.errorCode === ErrorCode.STALE_BROKER_EPOCH) {
          return { throttleTimeMs: 0, errorCode: answer.errorCode, topics: [] };
        }
        const state = answer.state;
        partitions.push({
          partitionIndex: p.partitionIndex,
          errorCode: answer.errorCode,
          leaderId: state?.leader ?? -1,
          leaderEpoch: state?.leaderEpoch ?? -1,
          isr: state ? [...state.isr] : [],
          leaderRecoveryState: 0,
          partitionEpoch: state?.partitionEpoch ?? -1,
        });
      }
      results.push({ topicId, partitions });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics: results };
  },
};
