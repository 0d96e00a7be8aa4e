// One partition replica hosted by this node (Kafka's Partition): its log, its idempotent-producer
// state, and its leader state from the metadata image (leader, leader epoch, replicas, ISR). The
// leader appends, serves reads up to the high watermark and moves the high watermark to the lowest
// log end offset among the ISR, which followers report by fetching (replication/leader-isr.ts);
// a follower appends what it fetched, follows the leader's high watermark and truncates on divergence.
import type { Clock } from "../io/clock.ts";
import type { Disk } from "../io/disk.ts";
import type { AppendOrigin } from "../log/batch-validator.ts";
import { OffsetOutOfRangeError } from "../log/errors.ts";
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, PartitionLog, type LogAppendInfo, type TimestampAndOffset, type TopicPartition } from "../log/partition-log.ts";
import { NO_TIMESTAMP, splitBatches, type RecordBatch } from "../log/record-batch.ts";
import type { Logger } from "../logger.ts";
import type { PartitionState } from "../metadata/image.ts";
import { NO_LEADER } from "../metadata/records.ts";
import { errorByCode, type ErrorName } from "../protocol/errors.ts";
import type { ProducerStateManager } from "../producers/producer-state.ts";
import { DEFAULT_REPLICA_LAG_TIME_MAX_MS, LeaderIsr, type PartitionReplicationOptions } from "../replication/leader-isr.ts";
import type { ReplicaState } from "../replication/replica-state.ts";
import type { EpochEndOffset } from "../replication/truncation.ts";
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
  /** How the leader commits ISR changes and judges followers; without it the ISR changes only with the metadata. */
  replication?: PartitionReplicationOptions;
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

/** One partition of a follower's Fetch, as the leader reads it. */
export interface FollowerFetchRequest {
  fetchOffset: number;
  /** The follower's log start offset. */
  logStartOffset: number;
  currentLeaderEpoch: number;
  /** The epoch of the follower's last batch, or NO_LEADER_EPOCH. */
  lastFetchedEpoch: number;
  maxBytes: number;
  minOneMessage: boolean;
}

export interface FollowerRead {
  records: Buffer;
  /** The leader's values before this fetch moved anything. */
  highWatermark: number;
  logStartOffset: number;
  logEndOffset: number;
  /** Set (and no records) when the follower's log diverges from the leader's at its last fetched epoch. */
  divergingEpoch: EpochEndOffset | undefined;
}

const EMPTY_RECORDS = Buffer.alloc(0);

/** The replica's producer state from its log (and a clean shutdown's snapshot, when there is one). */
function recoverProducerState(options: PartitionOptions, log: PartitionLog): ProducerStateManager {
  return loadProducerState(options.disk, log, options.clock.nowMs(), (file, reason) =>
    options.logger.log("warn", "skipping a corrupt producer snapshot", { file, reason }),
  );
}

export class Partition {
  readonly key: string;
  readonly topicId: string;
  readonly topicPartition: TopicPartition;
  private settings: TopicSettings;
  private leaderId = NO_LEADER;
  private epoch = NO_LEADER_EPOCH;
  private replicaIds: readonly number[] = [];
  /** Followers' positions and the ISR, committed or pending (Kafka's remote replicas and partition state). */
  private readonly leaderIsr: LeaderIsr;
  /** Bytes appended since the partition opened: a parked fetch's cheap estimate of new data. */
  private appendedBytes = 0;

  private constructor(
    private readonly options: PartitionOptions,
    readonly log: PartitionLog,
    private producers: ProducerStateManager,
  ) {
    this.topicId = options.topicId;
    this.topicPartition = options.topicPartition;
    this.key = `${options.topicPartition.topic}-${options.topicPartition.partition}`;
    this.settings = options.settings;
    const replication = options.replication;
    this.leaderIsr = new LeaderIsr({
      topicId: options.topicId,
      partition: options.topicPartition.partition,
      key: this.key,
      localBrokerId: options.localBrokerId,
      replicaLagTimeMaxMs: replication?.replicaLagTimeMaxMs ?? DEFAULT_REPLICA_LAG_TIME_MAX_MS,
      channel: replication?.isrChangeChannel,
      isReplicaIsrEligible: replication?.isReplicaIsrEligible ?? (() => true),
      clock: options.clock,
      logger: options.logger,
      onIsrCommitted: () => {
        this.maybeIncrementHighWatermark();
        this.options.onChange(this.key);
      },
    });
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
    return new Partition(options, log, recoverProducerState(options, log));
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
  get localBrokerId(): number {
    return this.options.localBrokerId;
  }
  /** The ISR the controller committed. */
  get inSyncReplicaIds(): readonly number[] {
    return this.leaderIsr.isr;
  }
  /** On the leader: each follower's position as its fetches told. */
  get followerStates(): ReadonlyMap<number, ReplicaState> {
    return this.leaderIsr.followerStates;
  }

  updateSettings(settings: TopicSettings): void {
    this.settings = settings;
    this.log.updateConfig(settings.log);
  }

  /**
   * Takes the leader, epoch, replicas and ISR the metadata image now has for this partition; a state
   * older than an AlterPartition answer already applied is ignored, as Kafka does.
   */
  applyRegistration(state: PartitionState): void {
    if (this.leaderIsr.isStale(state)) return;
    const local = this.options.localBrokerId;
    const becomesLeader = state.leader === local && (this.leaderId !== local || this.epoch !== state.leaderEpoch);
    this.leaderId = state.leader;
    this.epoch = state.leaderEpoch;
    this.replicaIds = state.replicas;
    if (becomesLeader) {
      // Kafka's makeLeader: the new epoch starts at the log end, so OffsetForLeaderEpoch can tell
      // where each earlier epoch ended.
      this.log.assignEpochStartOffset(state.leaderEpoch, this.log.logEndOffset);
      this.options.logger.log("debug", "became leader", { partition: this.key, leaderEpoch: state.leaderEpoch, logEndOffset: this.log.logEndOffset });
    }
    this.leaderIsr.applyRegistration(state, this.log.logEndOffset);
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
    const minIsr = this.effectiveMinIsr();
    const isr = this.leaderIsr.isr;
    if (requiredAcks === -1 && isr.length < minIsr) {
      throw new BrokerApiError(
        `The size of the current ISR [${isr.join(", ")}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.key}`,
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
   * NOT_ENOUGH_REPLICAS_AFTER_APPEND if the (maximal) ISR shrank below min.insync.replicas
   * meanwhile; done with NOT_LEADER_OR_FOLLOWER if leadership moved away.
   */
  replicationStatus(requiredOffset: number): { done: boolean; error?: ErrorName } {
    if (!this.isLeader) return { done: true, error: "NOT_LEADER_OR_FOLLOWER" };
    if (this.log.highWatermark < requiredOffset) return { done: false };
    return this.leaderIsr.maximalIsr.length >= this.effectiveMinIsr() ? { done: true } : { done: true, error: "NOT_ENOUGH_REPLICAS_AFTER_APPEND" };
  }

  /**
   * A consumer's read: whole batches from fetchOffset, below the high watermark (no transactions:
   * LSO = HW). A follower serves it too when the consumer may read from followers (Fetch v11+,
   * KIP-392), up to the high watermark it knows.
   */
  read(fetchOffset: number, maxBytes: number, minOneMessage: boolean, currentLeaderEpoch: number, fetchOnlyFromLeader = true): PartitionRead {
    this.checkLeaderEpoch(currentLeaderEpoch);
    if (fetchOnlyFromLeader) this.requireLeader();
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

  /**
   * A follower's fetch, on the leader (Kafka's fetchRecords for a follower): the epoch must match and
   * the fetcher be a replica; a follower whose last fetched epoch ends here before its fetch offset
   * (or is older than any epoch here) gets a diverging epoch and no records; otherwise it reads up to
   * the log end, and the fetch tells the leader the follower's log end offset, which may move the
   * ISR and the high watermark. A fetch completed from the purgatory reads without telling.
   */
  fetchRecordsForFollower(replicaId: number, fetch: FollowerFetchRequest, updateFetchState: boolean): FollowerRead {
    this.checkLeaderEpoch(fetch.currentLeaderEpoch);
    this.requireLeader();
    if (!this.leaderIsr.followerStates.has(replicaId)) {
      // With an epoch that matches, the replica set is what is stale here (a reassignment in progress).
      const error: ErrorName = fetch.currentLeaderEpoch === NO_LEADER_EPOCH ? "NOT_LEADER_OR_FOLLOWER" : "UNKNOWN_LEADER_EPOCH";
      throw new BrokerApiError(`Replica ${replicaId} is not a replica of ${this.key} in leader epoch ${this.epoch}`, error, { partition: this.key, replicaId });
    }
    const leader = { highWatermark: this.log.highWatermark, logStartOffset: this.log.logStartOffset, logEndOffset: this.log.logEndOffset };
    if (fetch.lastFetchedEpoch !== NO_LEADER_EPOCH) {
      const epochEnd = this.log.endOffsetForEpoch(fetch.lastFetchedEpoch);
      const outOfRange = (why: string) =>
        new OffsetOutOfRangeError(`fetch of ${this.key} by replica ${replicaId} at offset ${fetch.fetchOffset}: ${why}`, {
          topicPartition: this.key,
          fetchOffset: fetch.fetchOffset,
          logStartOffset: leader.logStartOffset,
          logEndOffset: leader.logEndOffset,
        });
      if (epochEnd.leaderEpoch === NO_LEADER_EPOCH || epochEnd.endOffset < 0) throw outOfRange(`the end of its last fetched epoch ${fetch.lastFetchedEpoch} is unknown`);
      if (fetch.fetchOffset < leader.logStartOffset) throw outOfRange(`the log starts at ${leader.logStartOffset}`);
      if (epochEnd.leaderEpoch < fetch.lastFetchedEpoch || epochEnd.endOffset < fetch.fetchOffset) {
        return { ...leader, records: EMPTY_RECORDS, divergingEpoch: epochEnd };
      }
    }
    const records = this.log.read(fetch.fetchOffset, { maxBytes: fetch.maxBytes, minOneMessage: fetch.minOneMessage });
    if (updateFetchState) {
      const fetchTimeMs = this.options.clock.nowMs();
      const follower = { fetchOffset: fetch.fetchOffset, logStartOffset: fetch.logStartOffset, fetchTimeMs, leaderEndOffset: leader.logEndOffset };
      if (this.leaderIsr.updateFollowerFetchState(replicaId, follower, this.log.highWatermark) && this.maybeIncrementHighWatermark()) this.options.onChange(this.key);
    }
    return { ...leader, records, divergingEpoch: undefined };
  }

  /**
   * Appends batches fetched from the leader with their offsets and epochs, and replays them into the
   * producer state so idempotence survives a failover to this replica. A log that is empty and
   * behind the leader's log start begins at the fetched batch (DeleteRecords cut into it).
   */
  appendRecordsAsFollower(records: Buffer): LogAppendInfo | undefined {
    const batches = splitBatches(records).batches;
    if (batches.length === 0) return undefined;
    const first = batches[0];
    const endOffset = this.log.logEndOffset;
    if (endOffset === this.log.logStartOffset && first.baseOffset < endOffset && first.lastOffset >= endOffset) this.truncateFullyAndStartAt(first.baseOffset);
    const info = this.log.appendAsFollower(records);
    if (!info) return undefined;
    for (const batch of batches) {
      if (batch.baseOffset > info.lastOffset) break;
      this.producers.update({
        producerId: batch.producerId,
        producerEpoch: batch.producerEpoch,
        baseSequence: batch.baseSequence,
        baseOffset: batch.baseOffset,
        lastOffset: batch.lastOffset,
        maxTimestamp: batch.maxTimestamp,
      });
    }
    this.appendedBytes += info.validBytes;
    this.options.onChange(this.key);
    return info;
  }

  /**
   * A follower takes the leader's high watermark (capped at its own log end) and log start offset,
   * as Kafka's replica fetcher does after each append.
   */
  updateFollowerHighWatermark(leaderHighWatermark: number, leaderLogStartOffset: number): void {
    const highWatermark = this.log.highWatermark;
    const logStartOffset = this.log.logStartOffset;
    this.log.updateHighWatermark(leaderHighWatermark);
    const newLogStartOffset = Math.min(leaderLogStartOffset, this.log.highWatermark);
    if (newLogStartOffset > logStartOffset) this.log.deleteRecordsBefore(newLogStartOffset);
    if (this.log.highWatermark !== highWatermark || this.log.logStartOffset !== logStartOffset) this.options.onChange(this.key);
  }

  /** A follower cuts a tail its leader does not have; the producer state is rebuilt without it. */
  truncateTo(offset: number): void {
    if (!this.log.truncateTo(offset)) return;
    this.producers = recoverProducerState(this.options, this.log);
    this.options.onChange(this.key);
  }

  /** A follower whose log ends before its leader's starts begins again, empty, at that offset. */
  truncateFullyAndStartAt(offset: number): void {
    this.log.truncateFullyAndStartAt(offset);
    this.producers.truncateFullyAndStartAt(offset);
    this.options.onChange(this.key);
  }

  /** Kafka's maybeShrinkIsr, run every replica.lag.time.max.ms / 2 on every leader. */
  maybeShrinkIsr(): void {
    if (this.isLeader) this.leaderIsr.maybeShrinkIsr(this.log.logEndOffset, this.log.highWatermark);
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
    this.leaderIsr.stop();
    saveProducerState(this.options.disk, this.log, this.producers);
    this.log.close();
    this.options.onChange(this.key);
  }

  /** The replica is removed (topic deleted): its directory goes. */
  delete(): void {
    this.leaderIsr.stop();
    this.leaderId = NO_LEADER;
    this.log.delete();
    this.options.onChange(this.key);
  }

  /**
   * Kafka's maybeIncrementLeaderHW: the high watermark only moves up, to the smallest log end offset
   * among the (maximal) ISR, and not at all while the ISR is below min.insync.replicas. Returns
   * whether it moved.
   */
  private maybeIncrementHighWatermark(): boolean {
    const candidate = this.leaderIsr.highWatermarkCandidate(this.log.logEndOffset, this.effectiveMinIsr());
    if (candidate === undefined || candidate <= this.log.highWatermark) return false;
    this.log.updateHighWatermark(candidate);
    return true;
  }

  /** min.insync.replicas, but never more than the replication factor (Kafka's effectiveMinIsr). */
  private effectiveMinIsr(): number {
    return Math.min(this.settings.minInsyncReplicas, this.replicaIds.length);
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
