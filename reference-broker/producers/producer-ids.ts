// Producer ids for InitProducerId. Like Kafka, ids are handed out from blocks that are reserved
// durably first (by the controller's metadata log in a cluster, by the node's own store on one
// node), so an id is never given twice, not even after a restart that loses the unused rest of a
// block. Only idempotent producers are served; transactional ids are a later issue.
import { KconformError } from "../../harness/errors.ts";
import { ErrorCode } from "./error-codes.ts";
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID } from "./sequence.ts";

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000;

export interface ProducerIdBlock {
  firstProducerId: number;
  size: number;
}

/** Reserves the next block; it must be durable before the promise resolves. */
export interface ProducerIdBlockSource {
  allocateBlock(): Promise<ProducerIdBlock>;
}

/** A block that hands out nothing or negative ids: the source is broken. */
export class ProducerIdBlockError extends KconformError {}

/**
 * The reserving side, kept where blocks are recorded (the controller, or a single node's metadata):
 * its whole state is the next free id, which the caller persists with each allocation and replays
 * on load.
 */
export class ProducerIdBlockAllocator {
  constructor(private next = 0) {}

  get nextProducerId(): number {
    return this.next;
  }

  /** Reserves a block; persist the returned nextProducerId before handing the block out. */
  allocate(size = PRODUCER_ID_BLOCK_SIZE): { block: ProducerIdBlock; nextProducerId: number } {
    const block = { firstProducerId: this.next, size };
    this.next += size;
    return { block, nextProducerId: this.next };
  }

  /** Applies a persisted nextProducerId; never moves backwards, so a replayed old record is harmless. */
  replay(nextProducerId: number): void {
    this.next = Math.max(this.next, nextProducerId);
  }
}

export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  producerId?: bigint;
  producerEpoch?: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

/** The broker side: hands out ids from its current block, fetching a new block when it runs out. */
export class ProducerIdManager {
  private current: { next: number; end: number } | undefined;
  private fetching: Promise<void> | undefined;

  constructor(private readonly source: ProducerIdBlockSource) {}

  async generateProducerId(): Promise<number> {
    for (;;) {
      const block = this.current;
      if (block && block.next < block.end) return block.next++;
      // Concurrent callers share one block request.
      this.fetching ??= this.fetchBlock().finally(() => {
        this.fetching = undefined;
      });
      await this.fetching;
    }
  }

  /**
   * InitProducerId for an idempotent producer (null transactional id): always a new producer id at
   * epoch 0, as Kafka's transaction coordinator answers. A producer id given without its epoch (or
   * the reverse) is INVALID_REQUEST; a transactional id is refused with INVALID_REQUEST too, since
   * transactions are not served.
   */
  async initProducerId(request: InitProducerIdRequest): Promise<InitProducerIdResponse> {
    const failed = (errorCode: number): InitProducerIdResponse => ({
      throttleTimeMs: 0,
      errorCode,
      producerId: BigInt(NO_PRODUCER_ID),
      producerEpoch: NO_PRODUCER_EPOCH,
    });
    const hasProducerId = (request.producerId ?? BigInt(NO_PRODUCER_ID)) !== BigInt(NO_PRODUCER_ID);
    const hasEpoch = (request.producerEpoch ?? NO_PRODUCER_EPOCH) !== NO_PRODUCER_EPOCH;
    if (hasProducerId !== hasEpoch) return failed(ErrorCode.INVALID_REQUEST);
    if (request.transactionalId !== null) return failed(ErrorCode.INVALID_REQUEST);
    try {
      const producerId = await this.generateProducerId();
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(producerId), producerEpoch: 0 };
    } catch {
      // No block could be reserved (e.g. no controller quorum): retriable, as Kafka answers while waiting for one.
      return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    }
  }

  private async fetchBlock(): Promise<void> {
    const block = await this.source.allocateBlock();
    if (!Number.isSafeInteger(block.firstProducerId) || block.firstProducerId < 0 || !Number.isSafeInteger(block.size) || block.size < 1) {
      throw new ProducerIdBlockError("producer id block source returned an unusable block", "bad-producer-id-block", { ...block });
    }
    this.current = { next: block.firstProducerId, end: block.firstProducerId + block.size };
  }
}
