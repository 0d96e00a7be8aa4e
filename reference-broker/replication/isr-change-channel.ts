// How a partition leader commits an ISR change (Kafka's AlterPartition): through the controller,
// which checks the leader and partition epochs and answers with the partition's new state. The
// Raft controller quorum implements IsrChangeChannel over its RPC; QuorumIsrChangeChannel commits
// through a MetadataQuorum's write, which is what a node that is its own controller does.
import type { MetadataQuorum } from "../broker/metadata-quorum.ts";
import { planAlterPartition, type AlterPartitionRequest } from "../metadata/controller-logic.ts";
import { ErrorCode, type ErrorName } from "../protocol/errors.ts";

export type { AlterPartitionRequest } from "../metadata/controller-logic.ts";

export type AlterPartitionResult =
  /** Committed (or already so): the partition's state as the controller now has it. */
  | { ok: true; leaderEpoch: number; partitionEpoch: number; isr: readonly number[] }
  /** Refused: nothing was committed. */
  | { ok: false; error: ErrorName; message: string };

export interface IsrChangeChannel {
  /** Rejects only when the controller could not be asked (the leader then asks again). */
  alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult>;
}

/** An error name from a plan, as the wire would carry it; unknown names become UNKNOWN_SERVER_ERROR. */
function asErrorName(name: string): ErrorName {
  return name in ErrorCode ? (name as ErrorName) : "UNKNOWN_SERVER_ERROR";
}

export class QuorumIsrChangeChannel implements IsrChangeChannel {
  constructor(private readonly quorum: MetadataQuorum) {}

  async alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult> {
    const plan = await this.quorum.write((image) => planAlterPartition(image, request));
    if (!plan.ok) return { ok: false, error: asErrorName(plan.error), message: plan.message };
    const state = this.quorum.image.topicsById.get(request.topicId)?.partitions[request.partition];
    if (!state) return { ok: false, error: "UNKNOWN_TOPIC_OR_PARTITION", message: `partition ${request.topicId}-${request.partition} is gone` };
    return { ok: true, leaderEpoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, isr: [...state.isr] };
  }
}
