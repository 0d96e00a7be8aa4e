// The membership of a node that is a cluster of one: it is its own controller, so the metadata log,
// registrations, producer id blocks and ISR changes are all local (the single-node quorum).
import type { AnyApiHandler } from "../apis/api.ts";
import { fenceBroker, registerBroker, type BrokerEndpoint } from "../broker/broker-registration.ts";
import type { BrokerContext } from "../broker/context.ts";
import { LocalProducerIdBlocks } from "../broker/local-producer-id-blocks.ts";
import { SingleNodeQuorum } from "../broker/single-node-quorum.ts";
import type { BrokerConfig } from "../config/broker-config.ts";
import type { Disk } from "../io/disk.ts";
import type { Logger } from "../logger.ts";
import { QuorumIsrChangeChannel } from "../replication/isr-change-channel.ts";
import type { NodeMembership } from "./membership.ts";

export class SingleNodeMembership implements NodeMembership {
  readonly quorum: SingleNodeQuorum;
  readonly producerIdBlocks: LocalProducerIdBlocks;
  readonly isrChangeChannel: QuorumIsrChangeChannel;
  readonly brokerApis: readonly AnyApiHandler<BrokerContext>[] = [];

  constructor(
    private readonly nodeId: number,
    disk: Disk,
    dataDir: string,
    private readonly config: BrokerConfig,
    logger: Logger,
  ) {
    this.quorum = new SingleNodeQuorum(disk, dataDir, logger);
    this.producerIdBlocks = new LocalProducerIdBlocks(disk, dataDir);
    this.isrChangeChannel = new QuorumIsrChangeChannel(this.quorum);
  }

  start(): Promise<void> {
    return this.quorum.start();
  }

  registerBroker(endpoint: BrokerEndpoint): Promise<void> {
    return registerBroker(this.quorum, endpoint, this.config);
  }

  controlledShutdown(): Promise<void> {
    return fenceBroker(this.quorum, this.nodeId, this.config);
  }

  stop(): Promise<void> {
    return this.quorum.stop();
  }
}
