// Idempotent-producer state of one partition: per producer id, its epoch and its last five batches.
// The leader checks each incoming batch against it (append, duplicate of a batch already written,
// or rejected), and every replica updates it from the batches in its log, so the state moves with
// the log to whichever replica leads next. Follows Kafka's ProducerStateManager and
// ProducerAppendInfo.
import { ErrorCode } from "./error-codes.ts";
import { incrementSequence, isNextSequence, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from "./sequence.ts";

/** How many batches per producer are remembered for duplicate detection (a producer's max.in.flight bound). */
export const NUM_BATCHES_TO_RETAIN = 5;
/** producer.id.expiration.ms: a producer idle this long is forgotten. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 86_400_000;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  /** The batch's max timestamp (the append time on LogAppendTime topics). */
  timestamp: number;
}

export interface ProducerStateEntry {
  producerId: number;
  producerEpoch: number;
  /** Oldest first, at most NUM_BATCHES_TO_RETAIN, all of the current epoch. */
  batches: BatchMetadata[];
  lastTimestamp: number;
}

/** A produced batch before it is written: what the leader checks. A RecordBatch fits as is. */
export interface IncomingProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
}

/** A batch as written to the log. The log's RecordBatchHeader fits as is. */
export interface AppendedProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export type ProducerCheck =
  /** Write the batch, then call update() with its offsets. */
  | { kind: "append" }
  /** Already written: acknowledge with the original offsets and do not write it again. */
  | { kind: "duplicate"; firstOffset: number; lastOffset: number; timestamp: number }
  | { kind: "reject"; errorCode: number; message: string };

export interface ProducerStateSnapshot {
  /** Every batch below this offset is reflected in the entries. */
  mapEndOffset: number;
  entries: ProducerStateEntry[];
}

export interface ProducerStateOptions {
  /** For messages, e.g. "orders-3". */
  topicPartition: string;
  producerIdExpirationMs?: number;
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>();
  private readonly expirationMs: number;
  private endOffset: number;

  constructor(
    private readonly options: ProducerStateOptions,
    /** The log offset the state starts at: the log start for an empty state. */
    startOffset = 0,
  ) {
    this.expirationMs = options.producerIdExpirationMs ?? DEFAULT_PRODUCER_ID_EXPIRATION_MS;
    this.endOffset = startOffset;
  }

  static fromSnapshot(snapshot: ProducerStateSnapshot, options: ProducerStateOptions, nowMs: number): ProducerStateManager {
    const manager = new ProducerStateManager(options, snapshot.mapEndOffset);
    for (const entry of snapshot.entries) {
      if (!manager.isExpired(entry, nowMs)) manager.producers.set(entry.producerId, cloneEntry(entry));
    }
    return manager;
  }

  /** The offset below which every batch of the log has been applied. */
  get mapEndOffset(): number {
    return this.endOffset;
  }

  /**
   * The leader's check of a produced batch, before it is written. A retry of one of the producer's
   * last five batches is a duplicate; otherwise the epoch may not go back, a new epoch starts at
   * sequence 0, and within an epoch sequences follow on without gaps. An unknown producer may start
   * at any sequence: since Kafka 2.5 the broker no longer answers UNKNOWN_PRODUCER_ID to produce.
   */
  check(batch: IncomingProducerBatch): ProducerCheck {
    const { producerId, producerEpoch, baseSequence } = batch;
    if (producerId === NO_PRODUCER_ID) return { kind: "append" };
    if (baseSequence < 0) {
      return this.reject(ErrorCode.INVALID_RECORD, `invalid sequence number ${baseSequence} in a batch of producer ${producerId}`);
    }
    const lastSeq = incrementSequence(baseSequence, batch.lastOffsetDelta);
    const entry = this.producers.get(producerId);
    if (entry && entry.producerEpoch === producerEpoch) {
      const duplicate = entry.batches.find((b) => b.firstSeq === baseSequence && b.lastSeq === lastSeq);
      if (duplicate) {
        return { kind: "duplicate", firstOffset: duplicate.firstOffset, lastOffset: duplicate.lastOffset, timestamp: duplicate.timestamp };
      }
    }
    const currentEpoch = entry?.producerEpoch ?? NO_PRODUCER_EPOCH;
    if (producerEpoch < currentEpoch) {
      return this.reject(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `epoch ${producerEpoch} of producer ${producerId} is older than the last seen epoch ${currentEpoch}`,
      );
    }
    if (producerEpoch !== currentEpoch) {
      if (baseSequence !== 0 && currentEpoch !== NO_PRODUCER_EPOCH) {
        return this.reject(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `new epoch ${producerEpoch} of producer ${producerId} starts at sequence ${baseSequence}, not 0`,
        );
      }
      return { kind: "append" };
    }
    const currentLastSeq = entry && entry.batches.length > 0 ? entry.batches[entry.batches.length - 1].lastSeq : NO_SEQUENCE;
    if (!isNextSequence(currentLastSeq, baseSequence)) {
      return this.reject(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `out of order sequence ${baseSequence} of producer ${producerId}, expected ${incrementSequence(currentLastSeq, 1)}`,
      );
    }
    return { kind: "append" };
  }

  /**
   * Applies a batch that is in the log: after the leader wrote it, when a follower replicates it,
   * and when the state is rebuilt from the log. Batches without a producer id only move the end.
   */
  update(batch: AppendedProducerBatch): void {
    this.endOffset = Math.max(this.endOffset, batch.lastOffset + 1);
    if (batch.producerId === NO_PRODUCER_ID) return;
    let entry = this.producers.get(batch.producerId);
    if (!entry) {
      entry = { producerId: batch.producerId, producerEpoch: batch.producerEpoch, batches: [], lastTimestamp: batch.maxTimestamp };
      this.producers.set(batch.producerId, entry);
    }
    // Replicated batches are not validated, so even an older epoch replaces the current one, as in Kafka.
    if (entry.producerEpoch !== batch.producerEpoch) {
      entry.producerEpoch = batch.producerEpoch;
      entry.batches = [];
    }
    if (entry.batches.length === NUM_BATCHES_TO_RETAIN) entry.batches.shift();
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: incrementSequence(batch.baseSequence, batch.lastOffset - batch.baseOffset),
      firstOffset: batch.baseOffset,
      lastOffset: batch.lastOffset,
      timestamp: batch.maxTimestamp,
    });
    entry.lastTimestamp = batch.maxTimestamp;
  }

  lastEntry(producerId: number): Readonly<ProducerStateEntry> | undefined {
    return this.producers.get(producerId);
  }

  activeProducers(): ReadonlyMap<number, Readonly<ProducerStateEntry>> {
    return this.producers;
  }

  /** Forgets producers idle for producer.id.expiration.ms (by their batches' timestamps, as Kafka does). */
  removeExpiredProducers(nowMs: number): void {
    for (const [producerId, entry] of this.producers) {
      if (this.isExpired(entry, nowMs)) this.producers.delete(producerId);
    }
  }

  /** The log was emptied and restarts at `offset` (a follower replacing its whole log). */
  truncateFullyAndStartAt(offset: number): void {
    this.producers.clear();
    this.endOffset = offset;
  }

  snapshot(): ProducerStateSnapshot {
    return { mapEndOffset: this.endOffset, entries: [...this.producers.values()].map(cloneEntry) };
  }

  private isExpired(entry: ProducerStateEntry, nowMs: number): boolean {
    return nowMs - entry.lastTimestamp >= this.expirationMs;
  }

  private reject(errorCode: number, message: string): ProducerCheck {
    return { kind: "reject", errorCode, message: `${message} in ${this.options.topicPartition}` };
  }
}

function cloneEntry(entry: ProducerStateEntry): ProducerStateEntry {
  return { ...entry, batches: entry.batches.map((batch) => ({ ...batch })) };
}

/**
 * Builds a partition's producer state on load, after a crash, or after a follower truncated its
 * log: from the latest snapshot that is still inside the log (if any), then the stored batches
 * after it, in log order.
 */
export function rebuildProducerState(args: {
  options: ProducerStateOptions;
  logStartOffset: number;
  logEndOffset: number;
  /** The latest snapshot the log has; ignored when it lies outside (logStartOffset, logEndOffset]. */
  snapshot?: ProducerStateSnapshot;
  /** The log's batch headers from the batch holding `fromOffset` to the end. */
  batchesFrom: (fromOffset: number) => Iterable<AppendedProducerBatch>;
  nowMs: number;
}): ProducerStateManager {
  const { snapshot, logStartOffset, logEndOffset } = args;
  // Like Kafka, a snapshot at or below the log start describes deleted data and is not used.
  const usable = snapshot !== undefined && snapshot.mapEndOffset > logStartOffset && snapshot.mapEndOffset <= logEndOffset;
  const manager = usable
    ? ProducerStateManager.fromSnapshot(snapshot, args.options, args.nowMs)
    : new ProducerStateManager(args.options, logStartOffset);
  const from = manager.mapEndOffset;
  for (const batch of args.batchesFrom(from)) {
    if (batch.lastOffset >= from && batch.baseOffset < logEndOffset) manager.update(batch);
  }
  return manager;
}
