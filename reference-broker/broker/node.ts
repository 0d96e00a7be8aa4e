// One reference-broker node: the composition of its metadata quorum, replica manager, producer ids,
// purgatory, housekeeping and request handlers behind one TCP listener, started in Kafka's order
// (metadata replayed, logs recovered, listener bound, broker registered and unfenced, requests
// enabled) and stopped in the reverse one. Clock, disk and logger come in from outside.
import { ApiDispatcher } from "../apis/dispatcher.ts";
import { BrokerConfig } from "../config/broker-config.ts";
import { systemClock, type Clock } from "../io/clock.ts";
import type { Disk } from "../io/disk.ts";
import { GroupService } from "../group-service/group-service.ts";
import { NodeDisk } from "../io/node-disk.ts";
import { lineLogger, type Logger } from "../logger.ts";
import { ProducerIdManager } from "../producers/producer-ids.ts";
import { replicaFetcherSettings } from "../replication/fetcher-settings.ts";
import { peerBrokerChannelFactory } from "../replication/peer-broker-channel.ts";
import { replicaSelectorFor } from "../replication/replica-selector.ts";
import { ReplicationService } from "../replication/replication-service.ts";
import { ClusterMembership } from "../quorum/cluster-membership.ts";
import type { NodeMembership } from "../quorum/membership.ts";
import type { QuorumVoter } from "../quorum/node/voters.ts";
import { SingleNodeMembership } from "../quorum/single-node-membership.ts";
import { Listener } from "../server/listener.ts";
import { BROKER_APIS } from "./api-table.ts";
import type { BrokerContext } from "./context.ts";
import { DelayedOperations } from "./delayed-operations.ts";
import { NodeStartError } from "./errors.ts";
import { Housekeeping } from "./housekeeping.ts";
import { loadOrCreateMetaProperties } from "./meta-properties.ts";
import { ReplicaManager } from "./replica-manager.ts";
import { RequestGate } from "./request-gate.ts";
import { TopicAdmin } from "./topic-admin.ts";

const LOOPBACK = "127.0.0.1";

export interface BrokerNodeOptions {
  nodeId: number;
  dataDir: string;
  /** The interface the listener binds; loopback unless asked otherwise. */
  listenHost?: string;
  /** 0 binds any free port. */
  port: number;
  /** What clients are told; defaults to the listen host and the bound port. */
  advertisedHost?: string;
  advertisedPort?: number;
  config?: BrokerConfig;
  /** Required to match the data directory's when it has one; a blank directory takes it (or a new id). */
  clusterId?: string;
  clock?: Clock;
  disk?: Disk;
  logger?: Logger;
  /** A Raft cluster's controller quorum, and whether this node is one of its controllers; absent: a cluster of one. */
  quorum?: { voters: readonly QuorumVoter[]; controller: boolean };
}

export class BrokerNode {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly context: BrokerContext,
    readonly dataDir: string,
    /** host:port clients bootstrap from. */
    readonly bootstrap: string,
    private readonly listener: Listener,
    private readonly membership: NodeMembership,
    private readonly housekeeping: Housekeeping,
    private readonly unsubscribe: () => void,
    private readonly replication: ReplicationService,
  ) {}

  get nodeId(): number {
    return this.context.nodeId;
  }

  get clusterId(): string {
    return this.context.clusterId;
  }

  static async start(options: BrokerNodeOptions): Promise<BrokerNode> {
    const config = options.config ?? BrokerConfig.parse([]);
    const configuredId = config.values.get("node.id");
    if (configuredId !== undefined && Number(configuredId) !== options.nodeId) {
      throw new NodeStartError(`node.id=${configuredId} contradicts node id ${options.nodeId}`, "node-id-mismatch", { nodeId: options.nodeId });
    }
    const replicaSelector = replicaSelectorFor(config.get("replica.selector.class"));
    const clock = options.clock ?? systemClock;
    const disk = options.disk ?? new NodeDisk();
    const logger = options.logger ?? lineLogger(`node-${options.nodeId}`);
    const { dataDir, nodeId } = options;
    const meta = loadOrCreateMetaProperties(disk, dataDir, nodeId, options.clusterId);

    const membership: NodeMembership = options.quorum
      ? new ClusterMembership({ nodeId, clusterId: meta.clusterId, dataDir, ...options.quorum, config, disk, clock, logger, ...(options.listenHost !== undefined ? { listenHost: options.listenHost } : {}) })
      : new SingleNodeMembership(nodeId, disk, dataDir, config, clock, logger.child("metadata"));
    const quorum = membership.quorum;
    try {
      await membership.start();
    } catch (error) {
      await membership.stop();
      throw error;
    }
    const purgatory = new DelayedOperations(clock);
    const replicas = new ReplicaManager({
      nodeId,
      dataDir,
      config,
      disk,
      clock,
      logger: logger.child("replicas"),
      onPartitionChange: (key) => purgatory.checkAndComplete(key),
      replication: { isrChangeChannel: membership.isrChangeChannel, isReplicaIsrEligible: (id) => quorum.image.isLive(id) },
    });
    const cleanups: (() => Promise<void> | void)[] = [() => membership.stop(), () => replicas.close(), () => purgatory.shutdown()];
    const undo = async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    };
    try {
      replicas.load(quorum.image);
      const unsubscribe = quorum.subscribe((records, image) => replicas.onMetadata(records, image));
      // Subscribed after the replica manager, so the fetchers see replicas that already took each change.
      const fetcherSettings = replicaFetcherSettings(config);
      const replication = new ReplicationService({
        nodeId,
        config,
        clock,
        logger: logger.child("replication"),
        hostedReplicas: () => replicas.partitions(),
        metadata: quorum,
        channelFactory: peerBrokerChannelFactory(nodeId, fetcherSettings.requestTimeoutMs),
        fetcherSettings,
      });
      replication.start();
      cleanups.push(() => replication.stop());
      let dispatcher: ApiDispatcher<BrokerContext> | undefined;
      const topics = new TopicAdmin(quorum, config);
      const groups = new GroupService({ config, clock, logger: logger.child("groups"), metadata: quorum, topics, replicas, purgatory });
      const context: BrokerContext = {
        nodeId,
        clusterId: meta.clusterId,
        config,
        clock,
        logger,
        quorum,
        replicas,
        topics,
        producerIds: new ProducerIdManager(membership.producerIdBlocks),
        purgatory,
        groups,
        replicaSelector,
        advertisedApis: () => dispatcher?.advertised() ?? [],
      };
      dispatcher = new ApiDispatcher([...BROKER_APIS, ...membership.brokerApis], context);
      const gate = new RequestGate(dispatcher);
      const listenHost = options.listenHost ?? LOOPBACK;
      const listener = new Listener(
        { name: "PLAINTEXT", host: listenHost, port: options.port, maxRequestBytes: config.int("socket.request.max.bytes") },
        gate,
        logger.child("network"),
      );
      const boundPort = await listener.start();
      cleanups.push(() => listener.stop());
      const advertisedHost = options.advertisedHost ?? listenHost;
      const advertisedPort = options.advertisedPort ?? boundPort;
      await membership.registerBroker({ brokerId: nodeId, host: advertisedHost, port: advertisedPort, rack: config.get("broker.rack") });
      const housekeeping = new Housekeeping(() => replicas.partitions(), config, clock, logger.child("housekeeping"));
      housekeeping.start();
      groups.start();
      cleanups.push(() => groups.stop());
      gate.open();
      logger.log("info", "node started", { nodeId, clusterId: meta.clusterId, listener: `${listenHost}:${boundPort}`, advertised: `${advertisedHost}:${advertisedPort}` });
      return new BrokerNode(context, dataDir, `${advertisedHost}:${advertisedPort}`, listener, membership, housekeeping, unsubscribe, replication);
    } catch (error) {
      await undo();
      throw error;
    }
  }

  /**
   * Clean stop: no new requests, parked ones answered, a controlled shutdown through the quorum,
   * every log closed cleanly. Safe to call twice.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const { logger, purgatory, replicas, nodeId } = this.context;
      await this.listener.stop();
      this.housekeeping.stop();
      this.context.groups.stop();
      purgatory.shutdown();
      try {
        await this.membership.controlledShutdown();
      } catch (error) {
        logger.log("warn", "controlled shutdown failed; stopping anyway", { error: (error as Error).message });
      }
      this.unsubscribe();
      await this.replication.stop();
      replicas.close();
      await this.membership.stop();
      logger.log("info", "node stopped", { nodeId });
    })();
    return this.stopping;
  }
}
