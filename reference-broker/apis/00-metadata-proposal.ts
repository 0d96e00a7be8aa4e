// Produce (key 0), versions 9-11, on the controller listener: how a broker proposes a metadata
// decision to the active controller. The one batch for __cluster_metadata-0 carries the records as
// one entry, its base offset being the log end offset the broker decided at; the controller appends
// it only if that is still its log end (else INVALID_UPDATE_VERSION: decide again on newer metadata)
// and answers once it is committed, with the offset it got. A controller that is not active answers
// NOT_CONTROLLER. This is the reference broker's own use of Produce; Kafka's brokers send typed RPCs.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey, type ProduceResponse } from "../protocol/generated/messages.ts";
import { decodeMetadataEntry } from "../quorum/metadata-entries.ts";
import type { ControllerContext } from "../quorum/node/controller-context.ts";
import { decodeEntries } from "../quorum/raft/entry-batches.ts";
import { METADATA_TOPIC } from "../rpc/raft-wire.ts";
import type { ApiHandler } from "./api.ts";

export const metadataProposal: ApiHandler<typeof ApiKey.Produce, ControllerContext> = {
  apiKey: ApiKey.Produce,
  minVersion: 9,
  maxVersion: 11,
  async handle(request, context) {
    const answer = (errorCode: number, baseOffset = -1, errorMessage: string | null = null): ProduceResponse => ({
      throttleTimeMs: 0,
      responses: [{ name: METADATA_TOPIC, partitionResponses: [{ index: 0, errorCode, baseOffset: BigInt(baseOffset), logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage }] }],
    });
    const topic = request.body.topicData.length === 1 ? request.body.topicData[0] : undefined;
    const partition = topic?.name === METADATA_TOPIC && topic.partitionData.length === 1 ? topic.partitionData[0] : undefined;
    const entries = partition?.index === 0 && partition.records ? decodeEntries(partition.records).entries : [];
    if (entries.length !== 1) return answer(ErrorCode.INVALID_REQUEST, -1, "a proposal is one batch for __cluster_metadata-0");
    const [entry] = entries;
    const outcome = await context.queue.submitConditional(entry.offset, decodeMetadataEntry(entry.data, entry.offset));
    switch (outcome.kind) {
      case "committed":
        return answer(ErrorCode.NONE, outcome.offset);
      case "stale":
        return answer(ErrorCode.INVALID_UPDATE_VERSION, outcome.endOffset, `the metadata log moved on to ${outcome.endOffset}`);
      case "not-controller":
        return answer(ErrorCode.NOT_CONTROLLER);
      case "refused":
        return answer(ErrorCode.INVALID_REQUEST, -1, "the proposal holds no records");
    }
  },
};
