// The membership of a broker in a Raft cluster: its metadata is the quorum's committed log (it is a
// voter too when it also has the controller role), it registers and heartbeats with the active
// controller, commits ISR changes with AlterPartition and producer id blocks through the log, and
// forwards DescribeQuorum to the active controller.
import type { AnyApiHandler } from "../apis/api.ts";
import { forwardedDescribeQuorum } from "../apis/55-describe-quorum.ts";
import type { BrokerEndpoint } from "../broker/broker-registration.ts";
import type { BrokerContext } from "../broker/context.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { ControllerChannel } from "../rpc/controller-channel.ts";
import { BrokerLifecycle } from "./broker/broker-lifecycle.ts";
import { ControllerIsrChangeChannel } from "./broker/controller-isr-channel.ts";
import { QuorumProducerIdBlocks } from "./broker/producer-id-blocks.ts";
import type { ClusterMetadata } from "./cluster-metadata.ts";
import type { NodeMembership } from "./membership.ts";
import { ClusterMember, type ClusterMemberOptions } from "./node/cluster-member.ts";

export class ClusterMembership implements NodeMembership {
  readonly member: ClusterMember;
  readonly producerIdBlocks: QuorumProducerIdBlocks;
  readonly isrChangeChannel: ControllerIsrChangeChannel;
  readonly brokerApis: readonly AnyApiHandler<BrokerContext>[];
  private readonly channel: ControllerChannel;
  private lifecycle: BrokerLifecycle | undefined;

  constructor(private readonly options: ClusterMemberOptions) {
    this.member = new ClusterMember(options);
    this.channel = this.member.controllerChannel();
    this.producerIdBlocks = new QuorumProducerIdBlocks(this.member.metadata, options.nodeId);
    const lifecycle = () => this.lifecycle;
    this.isrChangeChannel = new ControllerIsrChangeChannel(this.channel, {
      brokerId: options.nodeId,
      get brokerEpoch() {
        return lifecycle()?.brokerEpoch;
      },
    });
    this.brokerApis = [forwardedDescribeQuorum((version, body) => this.channel.send(ApiKey.DescribeQuorum, version, body))];
  }

  get quorum(): ClusterMetadata {
    return this.member.metadata;
  }

  async start(): Promise<void> {
    await this.member.start();
    await this.member.metadata.start();
  }

  async registerBroker(endpoint: BrokerEndpoint): Promise<void> {
    this.lifecycle ??= new BrokerLifecycle({
      brokerId: endpoint.brokerId,
      clusterId: this.options.clusterId,
      host: endpoint.host,
      port: endpoint.port,
      rack: endpoint.rack,
      channel: this.channel,
      metadata: this.member.metadata,
      clock: this.options.clock,
      logger: this.options.logger.child("lifecycle"),
      heartbeatIntervalMs: this.member.settings.heartbeatIntervalMs,
      retryBackoffMs: this.member.settings.raft.retryBackoffMs,
    });
    await this.lifecycle.start();
  }

  async controlledShutdown(): Promise<void> {
    const acknowledged = await this.lifecycle?.controlledShutdown(this.member.settings.controlledShutdownTimeoutMs);
    if (acknowledged === false) this.options.logger.log("warn", "the controller did not confirm the controlled shutdown in time");
  }

  async stop(): Promise<void> {
    await this.lifecycle?.stop();
    await this.member.stop();
  }
}
