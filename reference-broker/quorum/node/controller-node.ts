// A node with only the controller role (split topology): a voter of the metadata quorum with its
// controller listener and the controller service, no broker. It counts as started once it knows who
// leads the quorum.
import { BrokerConfig } from "../../config/broker-config.ts";
import { systemClock, type Clock } from "../../io/clock.ts";
import type { Disk } from "../../io/disk.ts";
import { NodeDisk } from "../../io/node-disk.ts";
import { lineLogger, type Logger } from "../../logger.ts";
import { loadOrCreateMetaProperties } from "../../broker/meta-properties.ts";
import { ClusterMember } from "./cluster-member.ts";
import type { QuorumVoter } from "./voters.ts";

const PROGRESS_LOG_INTERVAL_MS = 5_000;

export interface ControllerNodeOptions {
  nodeId: number;
  dataDir: string;
  voters: readonly QuorumVoter[];
  clusterId?: string;
  config?: BrokerConfig;
  listenHost?: string;
  clock?: Clock;
  disk?: Disk;
  logger?: Logger;
}

export class ControllerNode {
  private constructor(
    readonly member: ClusterMember,
    readonly logger: Logger,
    /** host:port of the controller listener. */
    readonly address: string,
  ) {}

  static async start(options: ControllerNodeOptions): Promise<ControllerNode> {
    const clock = options.clock ?? systemClock;
    const disk = options.disk ?? new NodeDisk();
    const logger = options.logger ?? lineLogger(`controller-${options.nodeId}`);
    const meta = loadOrCreateMetaProperties(disk, options.dataDir, options.nodeId, options.clusterId);
    const member = new ClusterMember({
      nodeId: options.nodeId,
      clusterId: meta.clusterId,
      dataDir: options.dataDir,
      voters: options.voters,
      controller: true,
      config: options.config ?? BrokerConfig.parse([]),
      disk,
      clock,
      logger,
      ...(options.listenHost !== undefined ? { listenHost: options.listenHost } : {}),
    });
    try {
      await member.start();
      const started = clock.nowMs();
      while (!(await member.metadata.waitFor(() => member.raft.leader.leaderId >= 0, PROGRESS_LOG_INTERVAL_MS))) {
        logger.log("info", "waiting for the metadata quorum to elect a leader", { waitedMs: clock.nowMs() - started });
      }
    } catch (error) {
      await member.stop();
      throw error;
    }
    const address = member.controllerAddress ?? "";
    logger.log("info", "controller started", { nodeId: options.nodeId, clusterId: meta.clusterId, listener: address });
    return new ControllerNode(member, logger, address);
  }

  stop(): Promise<void> {
    return this.member.stop();
  }
}
