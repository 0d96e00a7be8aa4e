// The leader's side of one partition's replication (Kafka's Partition leader state): what each
// follower's fetches told of its log, and the ISR as the controller committed it or as an
// AlterPartition in flight proposes it. The rules built on them: the high watermark is the smallest
// log end offset of the maximal ISR, a follower lagging more than replica.lag.time.max.ms is shrunk
// out, one caught up to the high watermark within this leader epoch is expanded in.
import type { Clock, Timer } from "../io/clock.ts";
import type { Logger } from "../logger.ts";
import type { PartitionState } from "../metadata/image.ts";
import { NO_LEADER } from "../metadata/records.ts";
import type { ErrorName } from "../protocol/errors.ts";
import type { AlterPartitionRequest, AlterPartitionResult, IsrChangeChannel } from "./isr-change-channel.ts";
import { EMPTY_REPLICA_STATE, isCaughtUp, resetReplicaState, updateFetchState, type FollowerFetch, type ReplicaState } from "./replica-state.ts";

/** Kafka's replica.lag.time.max.ms default. */
export const DEFAULT_REPLICA_LAG_TIME_MAX_MS = 30_000;
/** How soon an AlterPartition the controller could not be asked about is sent again. */
export const ALTER_PARTITION_RETRY_MS = 100;

/** Refusals after which the controller's state is unknown here: wait for the metadata to tell. */
const AWAIT_METADATA: readonly ErrorName[] = [
  "UNKNOWN_TOPIC_OR_PARTITION",
  "UNKNOWN_TOPIC_ID",
  "FENCED_LEADER_EPOCH",
  "INVALID_UPDATE_VERSION",
  "INVALID_REQUEST",
  "NEW_LEADER_ELECTED",
];
/** Refusals that say the change was not applied: back to the last committed ISR. */
const NOT_APPLIED: readonly ErrorName[] = ["OPERATION_NOT_ATTEMPTED", "INELIGIBLE_REPLICA"];

/**
 * Kafka's CommittedPartitionState / PendingExpandIsr / PendingShrinkIsr. While an expansion is in
 * flight the new member already counts for the high watermark (stricter, so safe); a shrink counts
 * only once committed.
 */
type IsrState =
  | { readonly kind: "committed"; readonly isr: readonly number[] }
  | { readonly kind: "pending-expand"; readonly isr: readonly number[]; readonly newReplica: number; readonly sent: AlterPartitionRequest }
  | { readonly kind: "pending-shrink"; readonly isr: readonly number[]; readonly outOfSync: readonly number[]; readonly sent: AlterPartitionRequest };

type PendingIsrState = Exclude<IsrState, { kind: "committed" }>;

export interface LeaderIsrOptions {
  topicId: string;
  partition: number;
  /** "topic-partition", for log lines. */
  key: string;
  localBrokerId: number;
  replicaLagTimeMaxMs: number;
  clock: Clock;
  logger: Logger;
  /** Where ISR changes are committed; without one the ISR changes only with the metadata. */
  channel?: IsrChangeChannel;
  /** Whether a broker may join the ISR or hold the high watermark back: registered and not fenced. */
  isReplicaIsrEligible: (brokerId: number) => boolean;
  /** An AlterPartition answer committed a new ISR: the high watermark may move. */
  onIsrCommitted: () => void;
}

/** What a partition replica is given for replication, from the broker config and the metadata. */
export interface PartitionReplicationOptions {
  /** replica.lag.time.max.ms */
  replicaLagTimeMaxMs: number;
  isrChangeChannel?: IsrChangeChannel;
  /** Registered and not fenced; every follower when not given. */
  isReplicaIsrEligible?: (brokerId: number) => boolean;
}

export class LeaderIsr {
  private followers = new Map<number, ReplicaState>();
  private isrState: IsrState = { kind: "committed", isr: [] };
  private leaderId = NO_LEADER;
  private leaderEpoch = -1;
  private partitionEpoch = -1;
  /** The leader's log end offset when this leader epoch began; followers must reach it to join the ISR. */
  private epochStartOffset: number | undefined;
  private retry: Timer | undefined;
  private stopped = false;

  constructor(private readonly options: LeaderIsrOptions) {}

  /** The ISR the controller committed. */
  get isr(): readonly number[] {
    return this.isrState.isr;
  }

  /** The committed ISR plus a member whose expansion is in flight: what acks=all and the high watermark wait for. */
  get maximalIsr(): readonly number[] {
    return this.isrState.kind === "pending-expand" ? [...this.isrState.isr, this.isrState.newReplica] : this.isrState.isr;
  }

  /** An AlterPartition is in flight; no other ISR change is proposed until it is answered. */
  get isInflight(): boolean {
    return this.isrState.kind !== "committed";
  }

  /** The followers this leader tracks, with their last known state. */
  get followerStates(): ReadonlyMap<number, ReplicaState> {
    return this.followers;
  }

  /** The metadata is older than what this replica knows (an AlterPartition answer ran ahead of it). */
  isStale(state: PartitionState): boolean {
    return state.partitionEpoch < this.partitionEpoch;
  }

  /**
   * Takes a committed partition state from the metadata (Kafka's makeLeader / makeFollower): the
   * ISR as committed, dropping any proposal in flight; on a new leader epoch the followers' states
   * are reset and the epoch's start offset recorded.
   */
  applyRegistration(state: PartitionState, leaderEndOffset: number): void {
    const local = this.options.localBrokerId;
    const wasLeader = this.leaderId === local;
    const isNewLeaderEpoch = state.leaderEpoch > this.leaderEpoch;
    this.retry?.cancel();
    this.isrState = { kind: "committed", isr: [...state.isr] };
    if (state.leader === local) {
      const followers = new Map<number, ReplicaState>();
      for (const id of state.replicas) if (id !== local) followers.set(id, this.followers.get(id) ?? EMPTY_REPLICA_STATE);
      this.followers = followers;
      if (isNewLeaderEpoch) {
        const nowMs = this.options.clock.nowMs();
        for (const [id, replica] of followers) {
          followers.set(id, resetReplicaState(replica, { nowMs, leaderEndOffset, isNewLeader: !wasLeader, inSync: state.isr.includes(id) }));
        }
        this.epochStartOffset = leaderEndOffset;
      }
    } else {
      this.followers = new Map();
      this.epochStartOffset = undefined;
    }
    this.leaderId = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.partitionEpoch = state.partitionEpoch;
  }

  /**
   * Records a follower's fetch (Kafka's updateFollowerFetchState) and proposes adding it to the ISR
   * when it caught up. Returns whether its log end offset moved (then the high watermark may).
   */
  updateFollowerFetchState(replicaId: number, fetch: FollowerFetch, leaderHighWatermark: number): boolean {
    const previous = this.followers.get(replicaId);
    if (!previous) return false;
    const next = updateFetchState(previous, fetch);
    this.followers.set(replicaId, next);
    this.maybeExpandIsr(replicaId, leaderHighWatermark);
    return next.logEndOffset !== previous.logEndOffset;
  }

  /**
   * Kafka's maybeIncrementLeaderHW, without the comparison: the smallest log end offset among the
   * maximal ISR and the followers caught up enough to be about to join it; undefined while the ISR
   * is below min.insync.replicas, when the high watermark must not move.
   */
  highWatermarkCandidate(leaderEndOffset: number, minIsr: number): number | undefined {
    if (this.isrState.isr.length < minIsr) return undefined;
    const nowMs = this.options.clock.nowMs();
    const maximalIsr = this.maximalIsr;
    let highWatermark = leaderEndOffset;
    for (const [id, replica] of this.followers) {
      if (replica.logEndOffset >= highWatermark) continue;
      const waitFor =
        maximalIsr.includes(id) || (isCaughtUp(replica, leaderEndOffset, nowMs, this.options.replicaLagTimeMaxMs) && this.options.isReplicaIsrEligible(id));
      if (waitFor) highWatermark = replica.logEndOffset;
    }
    return highWatermark;
  }

  /** ISR members (other than the leader) that have not been caught up within replica.lag.time.max.ms. */
  outOfSyncReplicas(leaderEndOffset: number): number[] {
    if (this.isInflight) return [];
    const nowMs = this.options.clock.nowMs();
    return this.isrState.isr.filter((id) => {
      if (id === this.options.localBrokerId) return false;
      const replica = this.followers.get(id);
      return replica === undefined || !isCaughtUp(replica, leaderEndOffset, nowMs, this.options.replicaLagTimeMaxMs);
    });
  }

  /** Kafka's maybeShrinkIsr, run periodically on the leader. */
  maybeShrinkIsr(leaderEndOffset: number, leaderHighWatermark: number): void {
    if (this.leaderId !== this.options.localBrokerId || !this.options.channel) return;
    const outOfSync = this.outOfSyncReplicas(leaderEndOffset);
    if (outOfSync.length === 0) return;
    const current = this.isrState.isr;
    const newIsr = current.filter((id) => !outOfSync.includes(id));
    this.options.logger.log("info", "shrinking ISR", {
      partition: this.options.key,
      isr: current.join(","),
      newIsr: newIsr.join(","),
      outOfSync: outOfSync.map((id) => `${id}@${this.followers.get(id)?.logEndOffset ?? "unknown"}`).join(","),
      highWatermark: leaderHighWatermark,
      logEndOffset: leaderEndOffset,
    });
    this.submit({ kind: "pending-shrink", isr: current, outOfSync, sent: this.request(newIsr) });
  }

  /** No more AlterPartition sends or retries (the replica closed, resigned or was deleted). */
  stop(): void {
    this.stopped = true;
    this.retry?.cancel();
  }

  /**
   * Kafka's maybeExpandIsr: a follower joins once its log end offset reached the high watermark and
   * the start of this leader epoch, so it holds everything committed before it can be elected.
   */
  private maybeExpandIsr(replicaId: number, leaderHighWatermark: number): void {
    if (this.isrState.kind !== "committed" || !this.options.channel || this.isrState.isr.includes(replicaId)) return;
    const replica = this.followers.get(replicaId);
    if (!replica || this.epochStartOffset === undefined) return;
    if (replica.logEndOffset < leaderHighWatermark || replica.logEndOffset < this.epochStartOffset) return;
    if (!this.options.isReplicaIsrEligible(replicaId)) return;
    const current = this.isrState.isr;
    this.options.logger.log("info", "expanding ISR", { partition: this.options.key, isr: current.join(","), newReplica: replicaId, logEndOffset: replica.logEndOffset });
    this.submit({ kind: "pending-expand", isr: current, newReplica: replicaId, sent: this.request([...current, replicaId]) });
  }

  private request(newIsr: number[]): AlterPartitionRequest {
    return {
      topicId: this.options.topicId,
      partition: this.options.partition,
      leaderId: this.options.localBrokerId,
      leaderEpoch: this.leaderEpoch,
      partitionEpoch: this.partitionEpoch,
      newIsr,
    };
  }

  /** Sent after the current call returns, never inside it: a local controller answers synchronously. */
  private submit(state: PendingIsrState): void {
    this.isrState = state;
    queueMicrotask(() => this.send(state));
  }

  private send(state: PendingIsrState): void {
    const channel = this.options.channel;
    if (this.stopped || this.isrState !== state || !channel) return;
    channel.alterPartition(state.sent).then(
      (result) => this.onResult(state, result),
      (error: unknown) => {
        this.options.logger.log("warn", "AlterPartition could not be sent; retrying", { partition: this.options.key, error: error instanceof Error ? error.message : String(error) });
        this.scheduleRetry(state);
      },
    );
  }

  private scheduleRetry(state: PendingIsrState): void {
    if (this.stopped || this.isrState !== state) return;
    this.retry = this.options.clock.setTimer(ALTER_PARTITION_RETRY_MS, () => this.send(state));
  }

  /** Kafka's handleAlterPartitionUpdate / handleAlterPartitionError. */
  private onResult(state: PendingIsrState, result: AlterPartitionResult): void {
    // The metadata (a new epoch, a committed ISR) replaced the proposal meanwhile: the answer is out of date.
    if (this.isrState !== state) return;
    if (!result.ok) {
      this.options.logger.log("info", "AlterPartition refused", { partition: this.options.key, error: result.error, message: result.message });
      if (NOT_APPLIED.includes(result.error)) this.isrState = { kind: "committed", isr: state.isr };
      else if (!AWAIT_METADATA.includes(result.error)) this.scheduleRetry(state);
      return;
    }
    if (result.leaderEpoch !== this.leaderEpoch || result.partitionEpoch < this.partitionEpoch) return;
    this.isrState = { kind: "committed", isr: [...result.isr] };
    this.partitionEpoch = result.partitionEpoch;
    this.options.logger.log("info", "ISR updated", { partition: this.options.key, isr: result.isr.join(","), partitionEpoch: result.partitionEpoch });
    this.options.onIsrCommitted();
  }
}
