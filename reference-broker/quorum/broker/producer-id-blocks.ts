// Producer id blocks in a cluster: reserved by committing a producer-ids record (Kafka's
// ProducerIdsRecord) through the metadata quorum, so no two brokers are ever handed the same ids.
import type { MetadataQuorum } from "../../broker/metadata-quorum.ts";
import { PRODUCER_ID_BLOCK_SIZE, ProducerIdBlockError, type ProducerIdBlock, type ProducerIdBlockSource } from "../../producers/producer-ids.ts";

export class QuorumProducerIdBlocks implements ProducerIdBlockSource {
  constructor(
    private readonly quorum: MetadataQuorum,
    private readonly brokerId: number,
  ) {}

  async allocateBlock(): Promise<ProducerIdBlock> {
    let block: ProducerIdBlock | undefined;
    // A write may be decided more than once (a stale proposal is decided again): the last decision is the committed one.
    const plan = await this.quorum.write((image) => {
      block = { firstProducerId: image.nextProducerId, size: PRODUCER_ID_BLOCK_SIZE };
      return { ok: true, records: [{ type: "producer-ids", brokerId: this.brokerId, nextProducerId: image.nextProducerId + PRODUCER_ID_BLOCK_SIZE }] };
    });
    if (!plan.ok || block === undefined) {
      throw new ProducerIdBlockError(`no producer id block could be reserved: ${plan.ok ? "nothing was decided" : `${plan.error}: ${plan.message}`}`, "producer-id-block-refused", { brokerId: this.brokerId });
    }
    return block;
  }
}
