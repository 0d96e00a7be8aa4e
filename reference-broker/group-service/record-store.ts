// The coordinator's GroupRecordStore on one __consumer_offsets partition: each append becomes one
// record batch written through the leader's append path with acks=all, acknowledged once the high
// watermark passes it (at once on a single node; once the ISR has it when replicas follow).
import { KconformError } from "../../harness/errors.ts";
import { wireError } from "../broker/errors.ts";
import { encodeGroupRecord, type GroupRecord, type GroupRecordStore } from "../groups/records.ts";
import type { Clock } from "../io/clock.ts";
import { buildRecordBatch } from "../log/batch-builder.ts";
import { RecordBatch } from "../log/record-batch.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { OffsetsPartition, Purgatory } from "./host.ts";

/** Kafka's coordinator writes with acks=all, like a producer that must not lose the write. */
const ALL_REPLICAS = -1;

/** A coordinator write that failed; `errorCode` is the Kafka error the coordinator translates for clients. */
export class OffsetsTopicAppendError extends KconformError {
  constructor(
    message: string,
    readonly errorCode: number,
    context: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, "offsets-topic-append", context, options);
  }
}

export interface OffsetsTopicRecordStoreOptions {
  clock: Clock;
  purgatory: Purgatory;
  /** offsets.commit.timeout.ms: the longest a write waits for the high watermark. */
  commitTimeoutMs: number;
}

export class OffsetsTopicRecordStore implements GroupRecordStore {
  constructor(
    private readonly partition: OffsetsPartition,
    private readonly options: OffsetsTopicRecordStoreOptions,
  ) {}

  append(records: readonly GroupRecord[]): Promise<void> {
    const { partition } = this;
    const facts = { partition: partition.key, records: records.length };
    if (records.length === 0) return Promise.resolve();
    const batch = new RecordBatch(buildRecordBatch({ records: records.map(encodeGroupRecord), timestamp: this.options.clock.nowMs() }));
    let lastOffset: number;
    try {
      lastOffset = partition.appendAsLeader(batch, ALL_REPLICAS, "coordinator").lastOffset;
    } catch (error) {
      const { errorCode, message } = wireError(error);
      return Promise.reject(new OffsetsTopicAppendError(`writing group records to ${partition.key} failed: ${message}`, errorCode, facts, { cause: error }));
    }
    const requiredOffset = lastOffset + 1;
    const replicated = { keys: [partition.key], isSatisfied: () => partition.replicationStatus(requiredOffset).done };
    return this.options.purgatory.wait(replicated, this.options.commitTimeoutMs).then(() => {
      const status = partition.replicationStatus(requiredOffset);
      const error = status.done ? status.error : "REQUEST_TIMED_OUT";
      if (error === undefined) return;
      throw new OffsetsTopicAppendError(`group records at offset ${lastOffset} of ${partition.key} were not replicated: ${error}`, ErrorCode[error], {
        ...facts,
        lastOffset,
      });
    });
  }
}
