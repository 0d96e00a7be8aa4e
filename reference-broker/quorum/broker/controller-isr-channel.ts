// How a partition leader commits an ISR change in a cluster: AlterPartition v2 to the active
// controller, which checks the leader and partition epochs. An answer that means "ask again" (no
// controller, NOT_CONTROLLER, a broker epoch not yet known) rejects, as IsrChangeChannel asks.
import { errorByCode, ErrorCode } from "../../protocol/errors.ts";
import { ApiKey } from "../../protocol/generated/messages.ts";
import type { ControllerChannel } from "../../rpc/controller-channel.ts";
import type { AlterPartitionRequest, AlterPartitionResult, IsrChangeChannel } from "../../replication/isr-change-channel.ts";
import { KconformError } from "../../../harness/errors.ts";

/** The controller could not be asked; the leader asks again later. */
export class IsrChangeNotSentError extends KconformError {}

export class ControllerIsrChangeChannel implements IsrChangeChannel {
  constructor(
    private readonly channel: ControllerChannel,
    private readonly broker: { readonly brokerId: number; readonly brokerEpoch: number | undefined },
  ) {}

  async alterPartition(request: AlterPartitionRequest): Promise<AlterPartitionResult> {
    const brokerEpoch = this.broker.brokerEpoch;
    if (brokerEpoch === undefined) throw new IsrChangeNotSentError("this broker is not registered yet", "isr-change-not-sent", { ...request });
    const response = await this.channel.send(ApiKey.AlterPartition, 2, {
      brokerId: this.broker.brokerId,
      brokerEpoch: BigInt(brokerEpoch),
      topics: [{ topicId: request.topicId, partitions: [{ partitionIndex: request.partition, leaderEpoch: request.leaderEpoch, newIsr: request.newIsr, leaderRecoveryState: 0, partitionEpoch: request.partitionEpoch }] }],
    }, "proposal");
    const partition = response.topics[0]?.partitions[0];
    if (response.errorCode !== ErrorCode.NONE || !partition) {
      const name = errorByCode(response.errorCode)?.name ?? "UNKNOWN_SERVER_ERROR";
      throw new IsrChangeNotSentError(`the controller answered AlterPartition with ${name}`, "isr-change-not-sent", { ...request, errorCode: response.errorCode });
    }
    if (partition.errorCode !== ErrorCode.NONE) {
      const error = errorByCode(partition.errorCode);
      return { ok: false, error: error?.name ?? "UNKNOWN_SERVER_ERROR", message: error?.message ?? `error code ${partition.errorCode}` };
    }
    return { ok: true, leaderEpoch: partition.leaderEpoch, partitionEpoch: partition.partitionEpoch, isr: [...partition.isr] };
  }
}
