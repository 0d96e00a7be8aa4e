// Replication on one node, put together: the replica fetchers following the metadata image (this
// node's follower partitions fetched from their leaders) and the ISR expiration task (Kafka's
// "isr-expiration", every replica.lag.time.max.ms / 2) that shrinks the ISR of the partitions this
// node leads. Transport and clock come in from outside, so a simulated network can drive it.
import type { BrokerConfig } from "../config/broker-config.ts";
import type { Clock, Timer } from "../io/clock.ts";
import type { Logger } from "../logger.ts";
import type { MetadataImage } from "../metadata/image.ts";
import type { MetadataListener } from "../broker/metadata-quorum.ts";
import type { BrokerChannelFactory } from "./broker-channel.ts";
import { replicaFetcherSettings, type ReplicaFetcherSettings } from "./fetcher-settings.ts";
import { ReplicaFetcherManager } from "./replica-fetcher-manager.ts";
import type { FollowerReplica } from "./replica-fetcher.ts";

/** A hosted replica as replication drives it: fetched into as a follower, its ISR checked as a leader. */
export interface ReplicatedPartition extends FollowerReplica {
  maybeShrinkIsr(): void;
}

export interface ReplicationServiceOptions {
  nodeId: number;
  config: BrokerConfig;
  clock: Clock;
  logger: Logger;
  /** The replicas this node hosts (the replica manager's partitions()). */
  hostedReplicas: () => readonly ReplicatedPartition[];
  /** The committed metadata; subscribe after the replica manager, so replicas are current when told. */
  metadata: { readonly image: MetadataImage; subscribe(listener: MetadataListener): () => void };
  channelFactory: BrokerChannelFactory;
  /** Defaults to the broker config's (and Kafka's) settings. */
  fetcherSettings?: ReplicaFetcherSettings;
}

export class ReplicationService {
  readonly fetchers: ReplicaFetcherManager;
  private unsubscribe: (() => void) | undefined;
  private isrExpiration: Timer | undefined;
  private stopped = false;

  constructor(private readonly options: ReplicationServiceOptions) {
    this.fetchers = new ReplicaFetcherManager({
      localBrokerId: options.nodeId,
      hostedReplicas: options.hostedReplicas,
      channelFactory: options.channelFactory,
      settings: options.fetcherSettings ?? replicaFetcherSettings(options.config),
      clock: options.clock,
      logger: options.logger,
    });
  }

  start(): void {
    this.fetchers.reconcile(this.options.metadata.image);
    this.unsubscribe = this.options.metadata.subscribe((_records, image) => this.fetchers.reconcile(image));
    this.scheduleIsrExpiration();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.isrExpiration?.cancel();
    await this.fetchers.shutdown();
  }

  private scheduleIsrExpiration(): void {
    const intervalMs = Math.max(1, Math.floor(this.options.config.int("replica.lag.time.max.ms") / 2));
    this.isrExpiration = this.options.clock.setTimer(intervalMs, () => {
      if (this.stopped) return;
      for (const partition of this.options.hostedReplicas()) {
        try {
          partition.maybeShrinkIsr();
        } catch (error) {
          this.options.logger.log("error", "ISR expiration failed", { partition: partition.key, error: error instanceof Error ? error.message : String(error) });
        }
      }
      this.scheduleIsrExpiration();
    });
  }
}
