// A one-voter metadata quorum for tests: the Raft replica, the metadata image, the write queue and
// the controller service of one node on an in-memory disk and a ManualClock, so controller behaviour
// is tested deterministically and without sockets. Restartable on the same disk.
import { BrokerConfig } from "../../config/broker-config.ts";
import { ManualClock } from "../../io/clock.ts";
import { MemoryDisk } from "../../io/memory-disk.ts";
import { ClusterMetadata } from "../cluster-metadata.ts";
import { ControllerBoundWrites, type MetadataProposer } from "../metadata-writes.ts";
import { QuorumStateFile } from "../raft/quorum-state-file.ts";
import { RaftLog } from "../raft/raft-log.ts";
import { RaftReplica } from "../raft/replica.ts";
import { SIM_SETTINGS, silentLogger } from "../raft/sim-cluster.ts";
import { ControllerService, type ControllerSettings } from "./controller-service.ts";
import { ControllerWriteQueue } from "./write-queue.ts";

const DIR = "/data/__cluster_metadata-0";

/** Only ever used when the node is not the leader, which a single voter always is. */
const unreachable: MetadataProposer = { propose: async () => ({ kind: "failed", reason: "no other controller" }) };

export interface SingleVoterRig {
  clock: ManualClock;
  disk: MemoryDisk;
  metadata: ClusterMetadata;
  raft: RaftReplica;
  queue: ControllerWriteQueue;
  controller: ControllerService;
  /** Advances the clock in small steps, letting promises settle between them. */
  advance(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export const RIG_CONTROLLER_SETTINGS: ControllerSettings = {
  sessionTimeoutMs: 3_000,
  checkIntervalMs: 100,
  uncleanElectionIntervalMs: 300_000,
  preferredElectionIntervalMs: undefined,
};

export async function startSingleVoter(options: { disk?: MemoryDisk; clock?: ManualClock; snapshotEveryBytes?: number; controller?: Partial<ControllerSettings> } = {}): Promise<SingleVoterRig> {
  const clock = options.clock ?? new ManualClock(1_700_000_000_000);
  const disk = options.disk ?? new MemoryDisk();
  const log = RaftLog.open(disk, DIR);
  const metadata = new ClusterMetadata({ log, clock, logger: silentLogger, snapshotEveryBytes: options.snapshotEveryBytes ?? 1 << 30 });
  const raft = new RaftReplica({
    nodeId: 1,
    voters: [1],
    log,
    electionState: new QuorumStateFile(disk, DIR),
    transport: { send: (_to, _rpc, _request, onResponse) => onResponse(undefined) },
    clock,
    random: () => 0.5,
    settings: SIM_SETTINGS,
    listener: metadata,
    logger: silentLogger,
  });
  const queue = new ControllerWriteQueue(raft, metadata, { activationTimeoutMs: 1_000 }, silentLogger);
  metadata.attach(raft, new ControllerBoundWrites({ metadata, raft, local: queue, remote: unreachable, clock, logger: silentLogger, timeoutMs: 5_000, retryBackoffMs: 20 }));
  const controller = new ControllerService({
    config: BrokerConfig.parse([]),
    clock,
    logger: silentLogger,
    metadata,
    queue,
    settings: { ...RIG_CONTROLLER_SETTINGS, ...options.controller },
  });
  controller.start();
  raft.start();
  await metadata.start();
  const advance = async (ms: number) => {
    for (let done = 0; done < ms; done += 10) {
      clock.advance(10);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return {
    clock,
    disk,
    metadata,
    raft,
    queue,
    controller,
    advance,
    stop: async () => {
      controller.stop();
      await raft.stop();
      log.close();
    },
  };
}
