// How a broker node belongs to its cluster, as node.ts composes it: the metadata quorum it reads
// and writes, where producer id blocks and ISR changes are committed, the extra APIs its listener
// serves, and its registration and controlled shutdown. One node alone is its own controller
// (SingleNodeMembership); in a Raft cluster every one of these goes through the active controller
// (ClusterMembership).
import type { AnyApiHandler } from "../apis/api.ts";
import type { BrokerEndpoint } from "../broker/broker-registration.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { MetadataQuorum } from "../broker/metadata-quorum.ts";
import type { ProducerIdBlockSource } from "../producers/producer-ids.ts";
import type { IsrChangeChannel } from "../replication/isr-change-channel.ts";

export interface NodeMembership {
  readonly quorum: MetadataQuorum;
  readonly producerIdBlocks: ProducerIdBlockSource;
  readonly isrChangeChannel: IsrChangeChannel;
  /** Served by the broker listener besides its own table: DescribeQuorum, answered through the controller. */
  readonly brokerApis: readonly AnyApiHandler<BrokerContext>[];
  /** Resolves once the metadata image is caught up (replayed, or learned from the quorum). */
  start(): Promise<void>;
  /** Registers the broker and resolves once it is unfenced: ready to serve. */
  registerBroker(endpoint: BrokerEndpoint): Promise<void>;
  /** Fenced through the controller, so no client is sent to a broker that is going away. */
  controlledShutdown(): Promise<void>;
  stop(): Promise<void>;
}
