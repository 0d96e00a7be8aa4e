// The membership of a node that is a cluster of one: it is its own controller, so the metadata log,
// registrations, producer id blocks and ISR changes are all local (the single-node quorum), and
// DescribeQuorum on its listener is answered by itself, the quorum's only voter.
import type { AnyApiHandler } from "../apis/api.ts";
import { forwardedDescribeQuorum } from "../apis/55-describe-quorum.ts";
import { fenceBroker, registerBroker, type BrokerEndpoint } from "../broker/broker-registration.ts";
import type { BrokerContext } from "../broker/context.ts";
import { LocalProducerIdBlocks } from "../broker/local-producer-id-blocks.ts";
import { SingleNodeQuorum } from "../broker/single-node-quorum.ts";
import type { BrokerConfig } from "../config/broker-config.ts";
import type { Clock } from "../io/clock.ts";
import type { Disk } from "../io/disk.ts";
import type { Logger } from "../logger.ts";
import { QuorumIsrChangeChannel } from "../replication/isr-change-channel.ts";
import type { NodeMembership } from "./membership.ts";
import { describeSingleNodeQuorum } from "./single-node-describe-quorum.ts";

export class SingleNodeMembership implements NodeMembership {
  readonly quorum: SingleNodeQuorum;
  readonly producerIdBlocks: LocalProducerIdBlocks;
  readonly isrChangeChannel: QuorumIsrChangeChannel;
  readonly brokerApis: readonly AnyApiHandler<BrokerContext>[];

  constructor(
    private readonly nodeId: number,
    disk: Disk,
    dataDir: string,
    private readonly config: BrokerConfig,
    clock: Clock,
    logger: Logger,
  ) {
    this.quorum = new SingleNodeQuorum(disk, dataDir, logger);
    this.producerIdBlocks = new LocalProducerIdBlocks(disk, dataDir);
    this.isrChangeChannel = new QuorumIsrChangeChannel(this.quorum);
    // Kafka's broker forwards DescribeQuorum to the controller; here the controller is this node.
    this.brokerApis = [forwardedDescribeQuorum(async (version, body) => describeSingleNodeQuorum(version, body, nodeId, this.quorum.image, clock.nowMs()))];
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
