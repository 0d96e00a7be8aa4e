// One partition replica hosted by this node (Kafka's Partition): its log, its idempotent-producer
// state, and its leader state from the metadata image (leader, leader epoch, replicas, ISR). The
// leader appends, serves reads up to the high watermark and moves the high watermark to the lowest
// log end offset among the ISR: on one node that is its own, and issue 4's followers report theirs.
import type { Clock } from "../io/clock.ts";
import type { Disk } from "../io/disk.ts";
import type { AppendOrigin } from "../log/batch-validator.ts";
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, PartitionLog, type TimestampAndOffset, type TopicPartition } from "../log/partition-log.ts";
import { NO_TIMESTAMP, type RecordBatch } from "../log/record-batch.ts";
import type { Logger } from "../logger.ts";
import type { PartitionState } from "../metadata/image.ts";
import { NO_LEADER } from "../metadata/records.ts";
import { errorByCode, type ErrorName } from "../protocol/errors.ts";
import type { ProducerStateManager } from "../producers/producer-state.ts";
import { BrokerApiError } from "./errors.ts";
import { readPartitionTopicId, writePartitionTopicId } from "./partition-dirs.ts";
import { loadProducerState, saveProducerState } from "./producer-state-store.ts";
import type { TopicSettings } from "./topic-settings.ts";

/** No leader epoch given by the client (the request's -1). */
export const NO_LEADER_EPOCH = -1;

export type IsolationLevel = "read_uncommitted" | "read_committed";

export interface PartitionOptions {
  topicId: string;
  topicPartition: TopicPartition;
  dir: string;
  localBrokerId: number;
  settings: TopicSettings;
  disk: Disk;
  clock: Clock;
  logger: Logger;
  /** Told of every change readers may wait on: appends, high watermark, leadership, deletion. */
  onChange: (key: string) => void;
}

export interface LeaderAppendResult {
  firstOffset: number;
  lastOffset: number;
  /** The append time on LogAppendTime topics; for a duplicate, the original batch's timestamp (as Kafka). */
  logAppendTime: number;
  logStartOffset: number;
  /** The batch was a retry of one already in the log: acknowledged with its original offsets, not written. */
  duplicate: boolean;
}

export interface PartitionRead {
  records: Buffer;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
}

export class Partition {
  readonly key: string;
  readonly topicId: string;
  readonly topicPartition: TopicPartition;
  private settings: TopicSettings;
  private leaderId = NO_LEADER;
  private epoch = NO_LEADER_EPOCH;
  private replicaIds: readonly number[] = [];
  private isrIds: readonly number[] = [];
  /** Bytes appended since the partition opened: a parked fetch's cheap estimate of new data. */
  private appendedBytes = 0;

  private constructor(
    private readonly options: PartitionOptions,
    readonly log: PartitionLog,
    private readonly producers: ProducerStateManager,
  ) {
    this.topicId = options.topicId;
    this.topicPartition = options.topicPartition;
    this.key = `${options.topicPartition.topic}-${options.topicPartition.partition}`;
    this.settings = options.settings;
  }

  /** Opens (or creates) the replica's log, recovering it, and its producer state. */
  static open(options: PartitionOptions): Partition {
    const logger = options.logger;
    const log = PartitionLog.open({
      dir: options.dir,
      topicPartition: options.topicPartition,
      config: options.settings.log,
      disk: options.disk,
      clock: options.clock,
      log: (line) => logger.log("info", line),
    });
    if (readPartitionTopicId(options.disk, options.dir) !== options.topicId) writePartitionTopicId(options.disk, options.dir, options.topicId);
    const producers = loadProducerState(options.disk, log, options.clock.nowMs(), (file, reason) =>
      logger.log("warn", "skipping a corrupt producer snapshot", { file, reason }),
    );
    return new Partition(options, log, producers);
  }

  get leaderEpoch(): number {
    return this.epoch;
  }
  get isLeader(): boolean {
    return this.leaderId === this.options.localBrokerId;
  }
  get bytesAppended(): number {
    return this.appendedBytes;
  }

  updateSettings(settings: TopicSettings): void {
    this.settings = settings;
    this.log.updateConfig(settings.log);
  }

  /** Takes the leader, epoch, replicas and ISR the metadata image now has for this partition. */
  applyRegistration(state: PartitionState): void {
    const local = this.options.localBrokerId;
    const becomesLeader = state.leader === local && (this.leaderId !== local || this.epoch !== state.leaderEpoch);
    this.leaderId = state.leader;
    this.epoch = state.leaderEpoch;
    this.replicaIds = state.replicas;
    this.isrIds = state.isr;
    if (becomesLeader) {
      // Kafka's makeLeader: the new epoch starts at the log end, so OffsetForLeaderEpoch can tell
      // where each earlier epoch ended.
      this.log.assignEpochStartOffset(state.leaderEpoch, this.log.logEndOffset);
      this.options.logger.log("debug", "became leader", { partition: this.key, leaderEpoch: state.leaderEpoch, logEndOffset: this.log.logEndOffset });
    }
    if (this.isLeader) this.maybeIncrementHighWatermark();
    this.options.onChange(this.key);
  }

  /**
   * Appends one produced (or coordinator-written) batch as leader: Kafka's checks in Kafka's order
   * (leadership, min.insync.replicas for acks=all, max.message.bytes, segment size, producer
   * sequence), then the log append and the high watermark. Throws BrokerApiError or a LogError.
   */
  appendAsLeader(batch: RecordBatch, requiredAcks: number, origin: AppendOrigin): LeaderAppendResult {
    this.requireLeader();
    const minIsr = Math.min(this.settings.minInsyncReplicas, this.replicaIds.length);
    if (requiredAcks === -1 && this.isrIds.length < minIsr) {
      throw new BrokerApiError(
        `The size of the current ISR [${this.isrIds.join(", ")}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.key}`,
        "NOT_ENOUGH_REPLICAS",
        { partition: this.key },
      );
    }
    const size = batch.sizeInBytes;
    if (size > this.settings.maxMessageBytes) {
      throw new BrokerApiError(
        `The record batch size in the append to ${this.key} is ${size} bytes which exceeds the maximum configured value of ${this.settings.maxMessageBytes}.`,
        "MESSAGE_TOO_LARGE",
        { partition: this.key, size },
      );
    }
    if (size > this.log.config.segmentBytes) {
      throw new BrokerApiError(
        `Message batch size is ${size} bytes in append to partition ${this.key} which exceeds the maximum configured segment size of ${this.log.config.segmentBytes}.`,
        "RECORD_LIST_TOO_LARGE",
        { partition: this.key, size },
      );
    }
    if (batch.hasProducerId) {
      const check = this.producers.check(batch);
      if (check.kind === "duplicate") {
        // Only an intact batch may be taken for the retry it claims to be.
        batch.ensureValid({ topicPartition: this.key });
        return { firstOffset: check.firstOffset, lastOffset: check.lastOffset, logAppendTime: check.timestamp, logStartOffset: this.log.logStartOffset, duplicate: true };
      }
      if (check.kind === "reject") {
        throw new BrokerApiError(check.message, (errorByCode(check.errorCode)?.name ?? "UNKNOWN_SERVER_ERROR") as ErrorName, { partition: this.key });
      }
    }
    const info = this.log.appendAsLeader(batch, { leaderEpoch: this.epoch, origin });
    this.producers.update({
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
      baseOffset: info.firstOffset,
      lastOffset: info.lastOffset,
      maxTimestamp: batch.maxTimestamp,
    });
    this.appendedBytes += info.validBytes;
    this.maybeIncrementHighWatermark();
    this.options.onChange(this.key);
    return { firstOffset: info.firstOffset, lastOffset: info.lastOffset, logAppendTime: info.logAppendTime, logStartOffset: info.logStartOffset, duplicate: false };
  }

  /**
   * Whether an acks=all write ending below requiredOffset is acknowledged (Kafka's
   * checkEnoughReplicasReachOffset): done once the high watermark passed it, with
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below min.insync.replicas meanwhile; done
   * with NOT_LEADER_OR_FOLLOWER if leadership moved away.
   */
  replicationStatus(requiredOffset: number): { done: boolean; error?: ErrorName } {
    if (!this.isLeader) return { done: true, error: "NOT_LEADER_OR_FOLLOWER" };
    if (this.log.highWatermark < requiredOffset) return { done: false };
    const minIsr = Math.min(this.settings.minInsyncReplicas, this.replicaIds.length);
    return this.isrIds.length >= minIsr ? { done: true } : { done: true, error: "NOT_ENOUGH_REPLICAS_AFTER_APPEND" };
  }

  /** A consumer's read: whole batches from fetchOffset, below the high watermark (no transactions: LSO = HW). */
  read(fetchOffset: number, maxBytes: number, minOneMessage: boolean, currentLeaderEpoch: number): PartitionRead {
    this.checkLeaderEpoch(currentLeaderEpoch);
    this.requireLeader();
    const highWatermark = this.log.highWatermark;
    const records = this.log.read(fetchOffset, { maxBytes, maxOffset: highWatermark, minOneMessage });
    return { records, highWatermark, lastStableOffset: highWatermark, logStartOffset: this.log.logStartOffset };
  }

  /**
   * ListOffsets (Kafka's Partition.fetchOffsetForTimestamp): latest is the last fetchable offset
   * with the current leader epoch; earliest the log start; a timestamp or max-timestamp lookup that
   * lands at or beyond the last fetchable offset finds nothing. `isolation` undefined: a replica's
   * request, bounded by the log end.
   */
  fetchOffsetForTimestamp(timestamp: number, isolation: IsolationLevel | undefined, currentLeaderEpoch: number): TimestampAndOffset | undefined {
    this.checkLeaderEpoch(currentLeaderEpoch);
    this.requireLeader();
    const lastFetchableOffset = isolation === undefined ? this.log.logEndOffset : this.log.highWatermark;
    if (timestamp === LATEST_TIMESTAMP) return { timestamp: NO_TIMESTAMP, offset: lastFetchableOffset, leaderEpoch: this.epoch };
    const found = this.log.offsetForTimestamp(timestamp);
    if (timestamp === EARLIEST_TIMESTAMP || found === undefined) return found;
    return found.offset >= lastFetchableOffset ? undefined : found;
  }

  /** OffsetForLeaderEpoch: the largest epoch <= leaderEpoch this log has, and the offset where it ends. */
  lastOffsetForLeaderEpoch(currentLeaderEpoch: number, leaderEpoch: number): { leaderEpoch: number; endOffset: number } {
    this.checkLeaderEpoch(currentLeaderEpoch);
    this.requireLeader();
    return this.log.endOffsetForEpoch(leaderEpoch);
  }

  /** DeleteRecords on the leader; returns the low watermark (the log start offset every replica has). */
  deleteRecordsBefore(offset: number): number {
    this.requireLeader();
    const target = offset === -1 ? this.log.highWatermark : offset;
    this.log.deleteRecordsBefore(target);
    this.options.onChange(this.key);
    return this.log.logStartOffset;
  }

  /** Retention and flush.ms, run by the node's housekeeping timers. */
  deleteOldSegments(): number {
    const deleted = this.log.deleteOldSegments();
    if (deleted > 0) this.options.onChange(this.key);
    return deleted;
  }

  maybeFlush(): void {
    this.log.maybeFlush();
  }

  removeExpiredProducers(nowMs: number): void {
    this.producers.removeExpiredProducers(nowMs);
  }

  /** Clean shutdown: producer snapshot, then the log's own clean close. */
  close(): void {
    saveProducerState(this.options.disk, this.log, this.producers);
    this.log.close();
    this.options.onChange(this.key);
  }

  /** The replica is removed (topic deleted): its directory goes. */
  delete(): void {
    this.leaderId = NO_LEADER;
    this.log.delete();
    this.options.onChange(this.key);
  }

  /**
   * Kafka's maybeIncrementLeaderHW: the high watermark is the smallest log end offset among the
   * ISR. Only the leader's own is known until followers report theirs by fetching (issue 4), so an
   * ISR with other members holds the high watermark where it is.
   */
  private maybeIncrementHighWatermark(): void {
    const local = this.options.localBrokerId;
    if (this.isrIds.some((id) => id !== local)) return;
    if (this.log.logEndOffset > this.log.highWatermark) this.log.updateHighWatermark(this.log.logEndOffset);
  }

  private requireLeader(): void {
    if (!this.isLeader) {
      throw new BrokerApiError(`Broker ${this.options.localBrokerId} is not the leader of ${this.key} (leader ${this.leaderId}, epoch ${this.epoch})`, "NOT_LEADER_OR_FOLLOWER", {
        partition: this.key,
      });
    }
  }

  /** A client's view of the leader epoch must match ours: older is fenced, newer we have not learned yet. */
  private checkLeaderEpoch(clientEpoch: number): void {
    if (clientEpoch === NO_LEADER_EPOCH) return;
    if (clientEpoch < this.epoch) {
      throw new BrokerApiError(`leader epoch ${clientEpoch} of ${this.key} is older than the current ${this.epoch}`, "FENCED_LEADER_EPOCH", { partition: this.key });
    }
    if (clientEpoch > this.epoch) {
      throw new BrokerApiError(`leader epoch ${clientEpoch} of ${this.key} is newer than the current ${this.epoch}`, "UNKNOWN_LEADER_EPOCH", { partition: this.key });
    }
  }
}
