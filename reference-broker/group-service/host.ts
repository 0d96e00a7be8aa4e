// What the group service needs from the node it runs in, as narrow interfaces the broker's own
// classes (Partition, ReplicaManager, TopicAdmin, DelayedOperations, the metadata quorum) satisfy,
// so the service never depends on how the node is put together.
import type { AppendOrigin } from "../log/batch-validator.ts";
import type { ReadOptions, TopicPartition } from "../log/partition-log.ts";
import type { RecordBatch } from "../log/record-batch.ts";
import type { CreateTopicSpec } from "../metadata/controller-logic.ts";
import type { MetadataImage } from "../metadata/image.ts";
import type { ErrorName } from "../protocol/errors.ts";

/** The local replica of one __consumer_offsets partition. */
export interface OffsetsPartition {
  /** "topic-partition": what parked appends wait on in the purgatory. */
  readonly key: string;
  readonly topicPartition: TopicPartition;
  readonly isLeader: boolean;
  readonly log: {
    readonly logStartOffset: number;
    readonly logEndOffset: number;
    read(fetchOffset: number, options: ReadOptions): Buffer;
  };
  /** Throws a BrokerApiError or LogError carrying the Kafka error name (`kafkaError`). */
  appendAsLeader(batch: RecordBatch, requiredAcks: number, origin: AppendOrigin): { lastOffset: number };
  /** Whether the high watermark passed requiredOffset, and with which error when leadership or the ISR changed. */
  replicationStatus(requiredOffset: number): { done: boolean; error?: ErrorName };
}

export interface OffsetsLeadershipListener {
  becameLeader(partition: OffsetsPartition): void;
  resigned(topicPartition: TopicPartition): void;
}

export interface LeadershipSource {
  /** Current leaderships are reported at once; returns a function that unsubscribes. */
  addLeadershipListener(listener: OffsetsLeadershipListener): () => void;
}

export interface MetadataView {
  readonly image: MetadataImage;
}

export type TopicCreation = { ok: true } | { ok: false; error: string; message: string };

export interface TopicCreator {
  createTopic(spec: CreateTopicSpec, validateOnly: boolean): Promise<TopicCreation>;
}

export interface Purgatory {
  /** Resolves false once isSatisfied() holds, true when timeoutMs passed first. */
  wait(operation: { readonly keys: readonly string[]; isSatisfied(): boolean }, timeoutMs: number): Promise<boolean>;
}
