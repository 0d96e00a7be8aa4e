// Which partitions this node follows and from whom (Kafka's ReplicaFetcherManager, fed as
// ReplicaManager.applyLocalFollowersDelta feeds it): after every metadata change the followed
// partitions are reconciled with the image. A new leader or leader epoch moves a partition to the
// fetcher of its leader (one fetcher, so one connection, per source broker); a partition this node
// now leads, or no longer hosts, stops being fetched; fetchers left without partitions shut down.
import type { Clock } from "../io/clock.ts";
import type { Logger } from "../logger.ts";
import type { MetadataImage } from "../metadata/image.ts";
import { NO_LEADER } from "../metadata/records.ts";
import type { BrokerAddress, BrokerChannelFactory } from "./broker-channel.ts";
import type { ReplicaFetcherSettings } from "./fetcher-settings.ts";
import { ReplicaFetcher, type FollowerReplica, type InitialFetchState } from "./replica-fetcher.ts";

export interface ReplicaFetcherManagerOptions {
  localBrokerId: number;
  /** The replicas this node hosts (the replica manager's). */
  hostedReplicas: () => readonly FollowerReplica[];
  channelFactory: BrokerChannelFactory;
  settings: ReplicaFetcherSettings;
  clock: Clock;
  logger: Logger;
}

interface Assignment {
  replica: FollowerReplica;
  leaderEpoch: number;
  fetcherKey: string;
}

/** A fetcher per leader endpoint: a leader that registers again elsewhere gets a fresh connection. */
function fetcherKeyOf(address: BrokerAddress): string {
  return `${address.nodeId}@${address.host}:${address.port}`;
}

/** Kafka's initialFetchOffset: the log end when the log has epochs to check it by, else the high watermark. */
function initialFetchOffset(replica: FollowerReplica): number {
  return replica.log.latestEpoch !== undefined ? replica.log.logEndOffset : replica.log.highWatermark;
}

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  private readonly assigned = new Map<string, Assignment>();
  private readonly stopping = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly options: ReplicaFetcherManagerOptions) {}

  /** The running fetchers by source broker id (for tests and metrics). */
  get fetchersBySource(): ReadonlyMap<number, ReplicaFetcher> {
    return new Map([...this.fetchers.values()].map((f) => [f.source.nodeId, f]));
  }

  /** Follows the image: call after the replica manager applied it, so every replica is current. */
  reconcile(image: MetadataImage): void {
    if (this.closed) return;
    const desired = new Map<string, { replica: FollowerReplica; leaderEpoch: number; address: BrokerAddress }>();
    for (const replica of this.options.hostedReplicas()) {
      if (replica.isLeader) continue;
      const state = image.partition(replica.topicPartition.topic, replica.topicPartition.partition);
      if (!state || state.leader === NO_LEADER || state.leader === this.options.localBrokerId) continue;
      // A leader not (yet) registered has no address; the next metadata change tries again.
      const broker = image.brokers.get(state.leader);
      if (!broker) continue;
      desired.set(replica.key, { replica, leaderEpoch: replica.leaderEpoch, address: { nodeId: broker.brokerId, host: broker.host, port: broker.port } });
    }

    for (const [key, assignment] of this.assigned) {
      const want = desired.get(key);
      if (want && want.replica === assignment.replica && want.leaderEpoch === assignment.leaderEpoch && fetcherKeyOf(want.address) === assignment.fetcherKey) continue;
      this.fetchers.get(assignment.fetcherKey)?.removePartitions([key]);
      this.assigned.delete(key);
    }

    const toAdd = new Map<string, { address: BrokerAddress; states: InitialFetchState[] }>();
    for (const [key, want] of desired) {
      if (this.assigned.has(key)) continue;
      const fetcherKey = fetcherKeyOf(want.address);
      this.assigned.set(key, { replica: want.replica, leaderEpoch: want.leaderEpoch, fetcherKey });
      let group = toAdd.get(fetcherKey);
      if (!group) toAdd.set(fetcherKey, (group = { address: want.address, states: [] }));
      group.states.push({ replica: want.replica, currentLeaderEpoch: want.leaderEpoch, initOffset: initialFetchOffset(want.replica) });
    }
    for (const [fetcherKey, { address, states }] of toAdd) {
      this.fetcherFor(fetcherKey, address).addPartitions(states);
      this.options.logger.log("info", "following partitions", { leader: address.nodeId, partitions: states.map((s) => `${s.replica.key}@${s.currentLeaderEpoch}`).join(",") });
    }

    const inUse = new Set([...this.assigned.values()].map((a) => a.fetcherKey));
    for (const [fetcherKey, fetcher] of this.fetchers) {
      if (inUse.has(fetcherKey)) continue;
      this.fetchers.delete(fetcherKey);
      this.stop(fetcher);
    }
  }

  /** Stops every fetcher and waits for them. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const fetcher of this.fetchers.values()) this.stop(fetcher);
    this.fetchers.clear();
    this.assigned.clear();
    await Promise.all([...this.stopping]);
  }

  private fetcherFor(fetcherKey: string, source: BrokerAddress): ReplicaFetcher {
    let fetcher = this.fetchers.get(fetcherKey);
    if (!fetcher) {
      const { localBrokerId, channelFactory, settings, clock, logger } = this.options;
      fetcher = new ReplicaFetcher({ localBrokerId, source, channelFactory, settings, clock, logger: logger.child(`fetcher-${source.nodeId}`) });
      this.fetchers.set(fetcherKey, fetcher);
      fetcher.start();
    }
    return fetcher;
  }

  private stop(fetcher: ReplicaFetcher): void {
    const stopped = fetcher.shutdown().finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
  }
}
