// One replica fetcher per source broker (Kafka's ReplicaFetcherThread over AbstractFetcherThread):
// the partitions this node follows whose leader is that broker, fetched together in one Fetch after
// another. Fetched batches are appended with the leader's offsets and epochs, the leader's high
// watermark and log start offset followed; a diverging epoch in the answer truncates the divergent
// tail first; an offset out of range is resolved with ListOffsets; errors back a partition off.
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, type TopicPartition } from "../log/partition-log.ts";
import type { Clock, Timer } from "../io/clock.ts";
import { CorruptRecordError, InvalidRecordError, LogClosedError } from "../log/errors.ts";
import type { Logger } from "../logger.ts";
import { BrokerApiError } from "../broker/errors.ts";
import { KconformError } from "../../harness/errors.ts";
import { BrokerChannelError, type BrokerAddress, type BrokerChannelFactory } from "./broker-channel.ts";
import type { ReplicaFetcherSettings } from "./fetcher-settings.ts";
import { LeaderEndpoint, type FetchedPartition, type ReplicaFetchPartition } from "./leader-endpoint.ts";
import { offsetTruncationState, type EpochEndOffset } from "./truncation.ts";

/** What the fetcher needs of a follower replica; the broker's Partition is one. */
export interface FollowerReplica {
  readonly key: string;
  readonly topicPartition: TopicPartition;
  readonly isLeader: boolean;
  readonly leaderEpoch: number;
  readonly log: {
    readonly logStartOffset: number;
    readonly logEndOffset: number;
    readonly highWatermark: number;
    readonly latestEpoch: number | undefined;
    endOffsetForEpoch(epoch: number): EpochEndOffset;
  };
  /** Appends fetched batches as they are; undefined when there was no whole batch. */
  appendRecordsAsFollower(records: Buffer): { lastOffset: number } | undefined;
  updateFollowerHighWatermark(leaderHighWatermark: number, leaderLogStartOffset: number): void;
  truncateTo(offset: number): void;
  truncateFullyAndStartAt(offset: number): void;
}

export interface InitialFetchState {
  replica: FollowerReplica;
  currentLeaderEpoch: number;
  /** The log end offset when the log has epochs, else the high watermark (Kafka's initialFetchOffset). */
  initOffset: number;
}

/**
 * Kafka's PartitionFetchState. A log without leader epochs starts "truncating": cut to the high
 * watermark, since nothing above it can be checked against the leader.
 */
interface PartitionFetchState {
  readonly replica: FollowerReplica;
  readonly currentLeaderEpoch: number;
  fetchOffset: number;
  state: "truncating" | "fetching";
  lastFetchedEpoch: number | undefined;
  /** Not fetched before this time (clock.nowMs()) after an error. */
  delayedUntilMs: number;
}

/** The follower's log end does not match the offset it fetched from (a bug, or a concurrent change). */
export class FetchOffsetMismatchError extends KconformError {}

export interface ReplicaFetcherOptions {
  localBrokerId: number;
  source: BrokerAddress;
  channelFactory: BrokerChannelFactory;
  settings: ReplicaFetcherSettings;
  clock: Clock;
  logger: Logger;
}

export class ReplicaFetcher {
  private readonly states = new Map<string, PartitionFetchState>();
  private readonly leader: LeaderEndpoint;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: ReplicaFetcherOptions) {
    this.leader = new LeaderEndpoint(options);
  }

  get source(): BrokerAddress {
    return this.options.source;
  }

  get partitionCount(): number {
    return this.states.size;
  }

  /** Where each followed partition stands, for tests and metrics. */
  fetchOffsets(): ReadonlyMap<string, number> {
    return new Map([...this.states].map(([key, s]) => [key, s.fetchOffset]));
  }

  /** Starts or restarts following these partitions; one already followed at the same epoch keeps its state. */
  addPartitions(initial: readonly InitialFetchState[]): void {
    for (const { replica, currentLeaderEpoch, initOffset } of initial) {
      const current = this.states.get(replica.key);
      if (current && current.replica === replica && current.currentLeaderEpoch === currentLeaderEpoch) continue;
      const lastFetchedEpoch = replica.log.latestEpoch;
      this.states.set(replica.key, {
        replica,
        currentLeaderEpoch,
        fetchOffset: initOffset,
        state: lastFetchedEpoch === undefined ? "truncating" : "fetching",
        lastFetchedEpoch,
        delayedUntilMs: 0,
      });
    }
    this.signal();
  }

  removePartitions(keys: Iterable<string>): void {
    for (const key of keys) this.states.delete(key);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops after the request in flight (its answer is dropped); the connection is closed. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    this.leader.close();
    this.signal();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        this.truncateToHighWatermark();
        const ready = this.readyPartitions();
        if (ready.length === 0) await this.idle();
        else await this.fetchOnce(ready);
      } catch (error) {
        this.options.logger.log("error", "replica fetcher failed; backing off", { leader: this.options.source.nodeId, error: describe(error) });
        await this.idle(this.options.settings.backoffMs);
      }
    }
  }

  private readyPartitions(): PartitionFetchState[] {
    const nowMs = this.options.clock.nowMs();
    return [...this.states.values()].filter((s) => s.state === "fetching" && s.delayedUntilMs <= nowMs);
  }

  /** Waits for new partitions, the end of the earliest back-off, or `maxMs`. */
  private idle(maxMs?: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const nowMs = this.options.clock.nowMs();
    const delays = [...this.states.values()].filter((s) => s.delayedUntilMs > nowMs).map((s) => s.delayedUntilMs - nowMs);
    const waitMs = Math.min(maxMs ?? this.options.settings.backoffMs, ...delays);
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      const done = () => {
        timer?.cancel();
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      this.wake = done;
      timer = this.options.clock.setTimer(waitMs, done);
    });
  }

  private signal(): void {
    this.wake?.();
  }

  /** Kafka's truncateToHighWatermark: a log without epochs is cut to where its fetch starts. */
  private truncateToHighWatermark(): void {
    for (const s of this.states.values()) {
      if (s.state !== "truncating") continue;
      this.options.logger.log("info", "truncating to the high watermark", { partition: s.replica.key, offset: s.fetchOffset });
      s.replica.truncateTo(s.fetchOffset);
      s.state = "fetching";
      s.lastFetchedEpoch = s.replica.log.latestEpoch;
    }
  }

  private async fetchOnce(ready: PartitionFetchState[]): Promise<void> {
    const sent = ready.map((s) => ({ state: s, fetchOffset: s.fetchOffset }));
    const request: ReplicaFetchPartition[] = ready.map((s) => ({
      ...s.replica.topicPartition,
      currentLeaderEpoch: s.currentLeaderEpoch,
      fetchOffset: s.fetchOffset,
      lastFetchedEpoch: s.lastFetchedEpoch,
      logStartOffset: s.replica.log.logStartOffset,
    }));
    let response: FetchedPartition[];
    try {
      response = await this.leader.fetch(request);
    } catch (error) {
      if (this.stopped) return;
      this.options.logger.log("warn", "fetch from leader failed", { leader: this.options.source.nodeId, error: describe(error) });
      this.delay(ready.map((s) => s.replica.key));
      return;
    }
    const byKey = new Map(sent.map((entry) => [entry.state.replica.key, entry]));
    const diverging: [PartitionFetchState, EpochEndOffset][] = [];
    const outOfRange: PartitionFetchState[] = [];
    const backOff: string[] = [];
    for (const data of response) {
      const key = `${data.topic}-${data.partition}`;
      const entry = byKey.get(key);
      const state = this.states.get(key);
      // Removed, re-added, truncated or failed while the fetch was out: the answer is stale.
      if (!entry || state !== entry.state || state.fetchOffset !== entry.fetchOffset || state.state !== "fetching") continue;
      switch (data.error) {
        case "NONE":
          if (data.divergingEpoch) diverging.push([state, data.divergingEpoch]);
          else this.processPartitionData(state, data, backOff);
          break;
        case "OFFSET_OUT_OF_RANGE":
          outOfRange.push(state);
          break;
        case "FENCED_LEADER_EPOCH":
          this.onPartitionFenced(state);
          break;
        default:
          this.options.logger.log("debug", "leader answered a partition with an error", { partition: key, error: data.error });
          backOff.push(key);
      }
    }
    for (const [state, epochEndOffset] of diverging) this.truncateOnDivergence(state, epochEndOffset, backOff);
    for (const state of outOfRange) await this.handleOutOfRange(state, backOff);
    this.delay(backOff);
  }

  /** Kafka's processPartitionData: append, then follow the leader's high watermark and log start. */
  private processPartitionData(state: PartitionFetchState, data: FetchedPartition, backOff: string[]): void {
    const replica = state.replica;
    try {
      if (state.fetchOffset !== replica.log.logEndOffset) {
        throw new FetchOffsetMismatchError(`fetched ${replica.key} from ${state.fetchOffset} but its log end offset is ${replica.log.logEndOffset}`, "fetch-offset-mismatch", {
          partition: replica.key,
        });
      }
      const appended = replica.appendRecordsAsFollower(data.records);
      replica.updateFollowerHighWatermark(data.highWatermark, data.logStartOffset);
      if (appended) {
        state.fetchOffset = appended.lastOffset + 1;
        state.lastFetchedEpoch = replica.log.latestEpoch;
      }
    } catch (error) {
      // A damaged batch may be a passing state of the leader's log: fetch again later.
      if (error instanceof CorruptRecordError || error instanceof InvalidRecordError) {
        this.options.logger.log("error", "invalid records fetched; retrying", { partition: replica.key, offset: state.fetchOffset, error: describe(error) });
        backOff.push(replica.key);
      } else {
        this.markPartitionFailed(state, error);
      }
    }
  }

  /** Truncation on fetch (KIP-320 via Fetch v12): cut the tail the leader does not have, then fetch on. */
  private truncateOnDivergence(state: PartitionFetchState, leaderEpochEnd: EpochEndOffset, backOff: string[]): void {
    const replica = state.replica;
    try {
      const truncation = offsetTruncationState(leaderEpochEnd, {
        logEndOffset: replica.log.logEndOffset,
        fetchOffset: state.fetchOffset,
        endOffsetForEpoch: (epoch) => replica.log.endOffsetForEpoch(epoch),
      });
      const level = truncation.offset < replica.log.highWatermark ? "warn" : "info";
      this.options.logger.log(level, "truncating a diverging log", {
        partition: replica.key,
        offset: truncation.offset,
        highWatermark: replica.log.highWatermark,
        leaderEpoch: leaderEpochEnd.leaderEpoch,
        leaderEndOffset: leaderEpochEnd.endOffset,
      });
      replica.truncateTo(truncation.offset);
      state.fetchOffset = truncation.offset;
      state.lastFetchedEpoch = replica.log.latestEpoch;
    } catch (error) {
      if (error instanceof LogClosedError) this.markPartitionFailed(state, error);
      else {
        this.options.logger.log("error", "truncation failed", { partition: replica.key, error: describe(error) });
        backOff.push(replica.key);
      }
    }
  }

  /**
   * Kafka's fetchOffsetAndTruncate: a leader behind this follower (after an unclean election) means
   * cutting back to its log end; a leader whose log starts beyond this one's end means starting over
   * at its log start; otherwise the fetch goes on from this log's end.
   */
  private async handleOutOfRange(state: PartitionFetchState, backOff: string[]): Promise<void> {
    const replica = state.replica;
    const tp = replica.topicPartition;
    const current = () => this.states.get(replica.key) === state;
    try {
      const leaderEndOffset = await this.leader.fetchOffset(tp, state.currentLeaderEpoch, LATEST_TIMESTAMP);
      if (!current()) return;
      if (leaderEndOffset < replica.log.logEndOffset) {
        this.options.logger.log("warn", "leader's log ends before this replica's; truncating to it", { partition: replica.key, leaderEndOffset, logEndOffset: replica.log.logEndOffset });
        replica.truncateTo(leaderEndOffset);
        state.fetchOffset = leaderEndOffset;
      } else {
        const leaderStartOffset = await this.leader.fetchOffset(tp, state.currentLeaderEpoch, EARLIEST_TIMESTAMP);
        if (!current()) return;
        if (leaderStartOffset > replica.log.logEndOffset) {
          this.options.logger.log("warn", "leader's log starts after this replica's ends; starting over", { partition: replica.key, leaderStartOffset, logEndOffset: replica.log.logEndOffset });
          replica.truncateFullyAndStartAt(leaderStartOffset);
        }
        state.fetchOffset = Math.max(leaderStartOffset, replica.log.logEndOffset);
      }
      state.lastFetchedEpoch = replica.log.latestEpoch;
    } catch (error) {
      if (!current()) return;
      if (error instanceof BrokerApiError && error.kafkaError === "FENCED_LEADER_EPOCH") this.onPartitionFenced(state);
      else if (error instanceof BrokerApiError || error instanceof BrokerChannelError) backOff.push(replica.key);
      else this.markPartitionFailed(state, error);
    }
  }

  /**
   * The leader is at a newer epoch than this follower fetched with: stop fetching the partition until
   * the metadata brings the new epoch (the fetcher manager then adds it again).
   */
  private onPartitionFenced(state: PartitionFetchState): void {
    this.options.logger.log("info", "fenced by a newer leader epoch; awaiting metadata", { partition: state.replica.key, leaderEpoch: state.currentLeaderEpoch });
    this.states.delete(state.replica.key);
  }

  private markPartitionFailed(state: PartitionFetchState, error: unknown): void {
    const level = error instanceof LogClosedError ? "info" : "error";
    this.options.logger.log(level, "stopped fetching a partition", { partition: state.replica.key, error: describe(error) });
    this.states.delete(state.replica.key);
  }

  private delay(keys: readonly string[]): void {
    const until = this.options.clock.nowMs() + this.options.settings.backoffMs;
    for (const key of keys) {
      const state = this.states.get(key);
      if (state && state.delayedUntilMs <= this.options.clock.nowMs()) state.delayedUntilMs = until;
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
