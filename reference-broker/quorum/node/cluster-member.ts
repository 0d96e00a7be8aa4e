// A node's part in the metadata quorum, whatever its roles: the Raft replica of __cluster_metadata
// (a voter on controllers, an observer on broker-only nodes) feeding the node's metadata image, the
// connections to the controllers, and — on controllers — the controller listener and the controller
// service that acts whenever this node is the leader. Built in one step, started in the next (the
// listener binds first, so peers' votes find it), stopped handing leadership over.
import { ApiDispatcher } from "../../apis/dispatcher.ts";
import type { BrokerConfig } from "../../config/broker-config.ts";
import type { Clock } from "../../io/clock.ts";
import type { Disk } from "../../io/disk.ts";
import type { Logger } from "../../logger.ts";
import { Listener } from "../../server/listener.ts";
import { ControllerChannel } from "../../rpc/controller-channel.ts";
import { ProduceMetadataProposer } from "../../rpc/metadata-proposer.ts";
import { PeerPool, type PeerNetwork } from "../../rpc/peer-pool.ts";
import { TcpRaftTransport } from "../../rpc/raft-transport.ts";
import { ClusterMetadata } from "../cluster-metadata.ts";
import { ControllerService } from "../controller/controller-service.ts";
import { ControllerWriteQueue } from "../controller/write-queue.ts";
import { ControllerBoundWrites } from "../metadata-writes.ts";
import { QuorumStateFile } from "../raft/quorum-state-file.ts";
import { RaftLog } from "../raft/raft-log.ts";
import { RaftReplica } from "../raft/replica.ts";
import { CONTROLLER_APIS } from "./controller-api-table.ts";
import type { ControllerContext } from "./controller-context.ts";
import { quorumSettings, type QuorumSettings } from "./quorum-settings.ts";
import { VotersError, type QuorumVoter } from "./voters.ts";

export const METADATA_LOG_DIR = "__cluster_metadata-0";
const LOOPBACK = "127.0.0.1";

export interface ClusterMemberOptions {
  nodeId: number;
  clusterId: string;
  dataDir: string;
  voters: readonly QuorumVoter[];
  /** This node has the controller role: it must be one of the voters. */
  controller: boolean;
  config: BrokerConfig;
  disk: Disk;
  clock: Clock;
  logger: Logger;
  /** Where the controller listener binds; the port is this node's voter port. */
  listenHost?: string;
  random?: () => number;
  /** How requests reach the other nodes; TCP to the voters' addresses by default. */
  network?: PeerNetwork;
}

export class ClusterMember {
  readonly settings: QuorumSettings;
  readonly metadata: ClusterMetadata;
  readonly raft: RaftReplica;
  readonly controller: ControllerService | undefined;
  private readonly pool: PeerNetwork;
  private readonly log: RaftLog;
  private readonly controllerContext: ControllerContext | undefined;
  private dispatcher: ApiDispatcher<ControllerContext> | undefined;
  private listener: Listener | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ClusterMemberOptions) {
    const { nodeId, voters, config, disk, clock, clusterId } = options;
    const voter = voters.find((v) => v.nodeId === nodeId);
    if (options.controller && !voter) throw new VotersError(`node ${nodeId} has the controller role but is not among the voters`, "not-a-voter", { nodeId });
    if (!options.controller && voter) throw new VotersError(`node ${nodeId} is a voter but does not have the controller role`, "voter-without-controller-role", { nodeId });
    const logger = options.logger.child("quorum");
    this.settings = quorumSettings(config);
    const dir = `${options.dataDir}/${METADATA_LOG_DIR}`;
    this.log = RaftLog.open(disk, dir, (what) => logger.log("warn", "metadata log recovered", { ...what }));
    this.metadata = new ClusterMetadata({ log: this.log, clock, logger: options.logger.child("metadata"), snapshotEveryBytes: this.settings.snapshotEveryBytes });
    const addresses = new Map(voters.map((v) => [v.nodeId, v]));
    this.pool = options.network ?? new PeerPool(`node-${nodeId}`, (id) => addresses.get(id));
    this.raft = new RaftReplica({
      nodeId,
      voters: voters.map((v) => v.nodeId),
      log: this.log,
      electionState: new QuorumStateFile(disk, dir),
      transport: new TcpRaftTransport(this.pool, { clusterId, requestTimeoutMs: this.settings.requestTimeoutMs, fetchMaxBytes: this.settings.raft.fetchMaxBytes }),
      clock,
      random: options.random ?? Math.random,
      settings: this.settings.raft,
      listener: this.metadata,
      logger,
    });
    const queue = options.controller
      ? new ControllerWriteQueue(this.raft, this.metadata, { activationTimeoutMs: this.settings.requestTimeoutMs }, options.logger.child("controller"))
      : undefined;
    this.metadata.attach(
      this.raft,
      new ControllerBoundWrites({
        metadata: this.metadata,
        raft: this.raft,
        ...(queue ? { local: queue } : {}),
        remote: new ProduceMetadataProposer(this.pool, this.settings.writeTimeoutMs),
        clock,
        logger,
        timeoutMs: this.settings.writeTimeoutMs,
        retryBackoffMs: this.settings.raft.retryBackoffMs,
      }),
    );
    if (queue) {
      this.controller = new ControllerService({ config, clock, logger: options.logger.child("controller"), metadata: this.metadata, queue, settings: this.settings.controller });
      this.controllerContext = {
        nodeId,
        clusterId,
        logger: options.logger.child("controller"),
        raft: this.raft,
        controller: this.controller,
        queue,
        voterEndpoints: addresses,
        advertisedApis: () => this.dispatcher?.advertised() ?? [],
      };
    }
  }

  /** Requests to the active controller (the quorum leader), over the controller lane. */
  controllerChannel(): ControllerChannel {
    return new ControllerChannel(this.pool, () => this.raft.leader.leaderId, this.settings.requestTimeoutMs);
  }

  /** The controller listener's address, on controllers. */
  get controllerAddress(): string | undefined {
    const voter = this.options.voters.find((v) => v.nodeId === this.options.nodeId);
    return this.options.controller && voter ? `${voter.host}:${voter.port}` : undefined;
  }

  /** Binds the controller listener (on controllers) and starts the replica; resolves at once. */
  async start(): Promise<void> {
    const context = this.controllerContext;
    const voter = this.options.voters.find((v) => v.nodeId === this.options.nodeId);
    if (context && voter && this.controller) {
      this.dispatcher = new ApiDispatcher(CONTROLLER_APIS, context);
      const listener = new Listener(
        { name: "CONTROLLER", host: this.options.listenHost ?? LOOPBACK, port: voter.port, maxRequestBytes: this.options.config.int("socket.request.max.bytes") },
        this.dispatcher,
        this.options.logger.child("controller-network"),
      );
      await listener.start();
      this.listener = listener;
      this.controller.start();
    }
    this.raft.start();
  }

  /** Hands leadership over (when leading), then closes the listener, the connections and the log. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.controller?.stop();
      await this.raft.stop();
      await this.metadata.stop();
      await this.listener?.stop();
      this.pool.close();
      this.log.close();
    })();
    return this.stopping;
  }
}
