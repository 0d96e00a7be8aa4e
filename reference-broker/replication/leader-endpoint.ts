// The follower's side of the protocol with one leader broker (Kafka's RemoteLeaderEndPoint): replica
// Fetch v12 (replica id set, last fetched epoch, so the leader answers a diverging epoch) and
// ListOffsets as a replica, over one channel that is reopened after a failure. Every request has a
// deadline on the injected clock (replica.socket.timeout.ms); a request past it drops the connection.
import type { Clock } from "../io/clock.ts";
import type { TopicPartition } from "../log/partition-log.ts";
import { BrokerApiError } from "../broker/errors.ts";
import { errorByCode, ErrorCode, type ErrorName } from "../protocol/errors.ts";
import { ApiKey, type FetchRequest, type RequestBodies, type ResponseBodies } from "../protocol/generated/messages.ts";
import type { RequestApiKey } from "../protocol/wire.ts";
import { BrokerChannelError, type BrokerAddress, type BrokerChannel, type BrokerChannelFactory } from "./broker-channel.ts";
import type { ReplicaFetcherSettings } from "./fetcher-settings.ts";
import type { EpochEndOffset } from "./truncation.ts";

/** The newest Fetch the reference broker serves: it has lastFetchedEpoch and divergingEpoch (KIP-320's truncation on fetch). */
export const REPLICA_FETCH_VERSION = 12;
/** ListOffsets with leader epochs (v4+) and the newest the broker serves. */
export const REPLICA_LIST_OFFSETS_VERSION = 7;
const NO_EPOCH = -1;
const READ_UNCOMMITTED = 0;
const NO_SESSION = 0;
/** A full fetch with no session (FINAL_EPOCH), as a broker with no fetch session cache answers anyway. */
const SESSIONLESS_EPOCH = -1;

export interface ReplicaFetchPartition extends TopicPartition {
  currentLeaderEpoch: number;
  fetchOffset: number;
  /** The epoch of the last batch in the follower's log; undefined for a log without epochs. */
  lastFetchedEpoch: number | undefined;
  logStartOffset: number;
}

export interface FetchedPartition extends TopicPartition {
  error: ErrorName;
  highWatermark: number;
  logStartOffset: number;
  /** Present when the leader's log diverges from the follower's at its last fetched epoch. */
  divergingEpoch: EpochEndOffset | undefined;
  records: Buffer;
}

const EMPTY = Buffer.alloc(0);

function errorName(code: number): ErrorName {
  return (errorByCode(code)?.name ?? "UNKNOWN_SERVER_ERROR") as ErrorName;
}

/** The Fetch a follower sends: partitions grouped by topic in the order given. */
export function replicaFetchRequest(localBrokerId: number, settings: ReplicaFetcherSettings, partitions: readonly ReplicaFetchPartition[]): FetchRequest {
  const topics: FetchRequest["topics"] = [];
  for (const p of partitions) {
    const entry = {
      partition: p.partition,
      currentLeaderEpoch: p.currentLeaderEpoch,
      fetchOffset: BigInt(p.fetchOffset),
      lastFetchedEpoch: p.lastFetchedEpoch ?? NO_EPOCH,
      logStartOffset: BigInt(p.logStartOffset),
      partitionMaxBytes: settings.partitionMaxBytes,
    };
    const last = topics[topics.length - 1];
    if (last && last.topic === p.topic) last.partitions.push(entry);
    else topics.push({ topic: p.topic, partitions: [entry] });
  }
  return {
    replicaId: localBrokerId,
    maxWaitMs: settings.maxWaitMs,
    minBytes: settings.minBytes,
    maxBytes: settings.responseMaxBytes,
    isolationLevel: READ_UNCOMMITTED,
    sessionId: NO_SESSION,
    sessionEpoch: SESSIONLESS_EPOCH,
    topics,
    forgottenTopicsData: [],
    rackId: "",
  };
}

export interface LeaderEndpointOptions {
  localBrokerId: number;
  source: BrokerAddress;
  channelFactory: BrokerChannelFactory;
  settings: ReplicaFetcherSettings;
  clock: Clock;
}

export class LeaderEndpoint {
  private channel: BrokerChannel | undefined;

  constructor(private readonly options: LeaderEndpointOptions) {}

  get source(): BrokerAddress {
    return this.options.source;
  }

  /** One replica fetch. Throws BrokerChannelError when the leader could not be reached. */
  async fetch(partitions: readonly ReplicaFetchPartition[]): Promise<FetchedPartition[]> {
    const response = await this.send(ApiKey.Fetch, REPLICA_FETCH_VERSION, replicaFetchRequest(this.options.localBrokerId, this.options.settings, partitions));
    const topLevel = response.errorCode ?? ErrorCode.NONE;
    if (topLevel !== ErrorCode.NONE) {
      throw new BrokerApiError(`fetch from broker ${this.options.source.nodeId} failed: ${errorName(topLevel)}`, errorName(topLevel), { leader: this.options.source.nodeId });
    }
    return response.responses.flatMap((topic) =>
      topic.partitions.map((p) => ({
        topic: topic.topic ?? "",
        partition: p.partitionIndex,
        error: errorName(p.errorCode),
        highWatermark: Number(p.highWatermark),
        logStartOffset: Number(p.logStartOffset ?? -1n),
        divergingEpoch: p.divergingEpoch && p.divergingEpoch.epoch >= 0 ? { leaderEpoch: p.divergingEpoch.epoch, endOffset: Number(p.divergingEpoch.endOffset) } : undefined,
        records: p.records ?? EMPTY,
      })),
    );
  }

  /**
   * ListOffsets as a replica (bounded by the log end, not the high watermark) for the earliest (-2)
   * or latest (-1) offset. Throws BrokerApiError with the partition's error.
   */
  async fetchOffset(tp: TopicPartition, currentLeaderEpoch: number, timestamp: number): Promise<number> {
    const response = await this.send(ApiKey.ListOffsets, REPLICA_LIST_OFFSETS_VERSION, {
      replicaId: this.options.localBrokerId,
      isolationLevel: READ_UNCOMMITTED,
      topics: [{ name: tp.topic, partitions: [{ partitionIndex: tp.partition, currentLeaderEpoch, timestamp: BigInt(timestamp) }] }],
    });
    const answer = response.topics.find((t) => t.name === tp.topic)?.partitions.find((p) => p.partitionIndex === tp.partition);
    const error = answer ? errorName(answer.errorCode) : "UNKNOWN_TOPIC_OR_PARTITION";
    if (!answer || error !== "NONE") {
      throw new BrokerApiError(`ListOffsets for ${tp.topic}-${tp.partition} at broker ${this.options.source.nodeId} failed: ${error}`, error, { leader: this.options.source.nodeId });
    }
    return Number(answer.offset ?? -1n);
  }

  close(): void {
    this.channel?.close();
    this.channel = undefined;
  }

  /** Sends on the channel (opening it when needed) with a deadline; a failure drops the channel. */
  private async send<K extends RequestApiKey>(apiKey: K, version: number, body: RequestBodies[K]): Promise<ResponseBodies[K]> {
    const channel = (this.channel ??= this.options.channelFactory(this.options.source));
    const timeoutMs = this.options.settings.requestTimeoutMs;
    const timer = this.options.clock.setTimer(timeoutMs, () => {
      if (this.channel === channel) this.channel = undefined;
      channel.close();
    });
    try {
      return await channel.send(apiKey, version, body);
    } catch (error) {
      if (this.channel === channel) this.channel = undefined;
      channel.close();
      if (error instanceof BrokerChannelError) throw error;
      throw new BrokerChannelError(`request to broker ${this.options.source.nodeId} failed: ${error instanceof Error ? error.message : String(error)}`, this.options.source);
    } finally {
      timer.cancel();
    }
  }
}
