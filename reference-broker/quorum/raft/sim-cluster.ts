// A whole Raft quorum in one process for tests: replicas on crashable in-memory disks, a simulated
// network with latency, message loss and partitions, and one ManualClock, so a run is a pure
// function of its seed. Each node applies committed entries to a tiny state machine (the list of
// values) and snapshots it now and then, and the kit records what safety checks need: who led each
// epoch and what every node applied, in order.
import { ManualClock } from "../../io/clock.ts";
import { MemoryDisk } from "../../io/memory-disk.ts";
import type { Logger } from "../../logger.ts";
import type { RaftRequests, RaftResponses, RaftRpc, RaftTransport } from "./messages.ts";
import { QuorumStateFile } from "./quorum-state-file.ts";
import { RaftLog } from "./raft-log.ts";
import { RaftReplica } from "./replica.ts";
import type { RaftSettings } from "./types.ts";

export const SIM_SETTINGS: RaftSettings = {
  electionTimeoutMs: 300,
  fetchTimeoutMs: 600,
  fetchMaxWaitMs: 200,
  retryBackoffMs: 20,
  fetchMaxBytes: 64,
  snapshotChunkBytes: 16,
};

const REQUEST_TIMEOUT_MS = 400;
const DIR = "/quorum";

export const silentLogger: Logger = { log: () => {}, child: () => silentLogger };

/** mulberry32: a small seeded PRNG, so a failing run replays from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SimNode {
  id: number;
  disk: MemoryDisk;
  replica: RaftReplica | undefined;
  /** Values applied, in order, since the node (re)started from its snapshot. */
  applied: number[];
  appliedOffset: number;
}

export interface SimClusterOptions {
  voters: number[];
  observers?: number[];
  seed: number;
  /** Snapshot after this many applied entries since the last one (0: never). */
  snapshotEvery?: number;
}

export class SimCluster {
  readonly clock = new ManualClock(1_700_000_000_000);
  readonly random: () => number;
  readonly nodes = new Map<number, SimNode>();
  /** Epoch → ids that were leader in it (safety: at most one). */
  readonly leadersByEpoch = new Map<number, Set<number>>();
  /** The longest sequence of values any node ever applied (every applied prefix is committed). */
  committed: number[] = [];
  /** Set when two nodes applied different values at one position. */
  divergence: string | undefined;
  dropRate = 0;
  private readonly cut = new Set<string>();
  private readonly settings: RaftSettings;

  constructor(private readonly options: SimClusterOptions, settings: Partial<RaftSettings> = {}) {
    this.random = seededRandom(options.seed);
    this.settings = { ...SIM_SETTINGS, ...settings };
    for (const id of [...options.voters, ...(options.observers ?? [])]) {
      this.nodes.set(id, { id, disk: new MemoryDisk(), replica: undefined, applied: [], appliedOffset: 0 });
      this.start(id);
    }
  }

  replica(id: number): RaftReplica | undefined {
    return this.nodes.get(id)?.replica;
  }

  isUp(id: number): boolean {
    return this.nodes.get(id)?.replica !== undefined;
  }

  /** The live node that is leader with the highest epoch, if any. */
  leader(): RaftReplica | undefined {
    let best: RaftReplica | undefined;
    for (const node of this.nodes.values()) {
      const replica = node.replica;
      if (replica?.isLeader && (!best || replica.epoch > best.epoch)) best = replica;
    }
    return best;
  }

  applied(id: number): number[] {
    return this.nodes.get(id)?.applied ?? [];
  }

  /** Appends a value on the current leader; false when there is none. */
  propose(value: number): boolean {
    return this.leader()?.append(Buffer.from(String(value))) !== undefined;
  }

  advance(ms: number, step = 10): void {
    for (let done = 0; done < ms; done += step) this.clock.advance(Math.min(step, ms - done));
  }

  /** Power cut: the process dies without a word and the disk keeps only what was fsync'd. */
  crash(id: number): void {
    const node = this.nodes.get(id)!;
    if (!node.replica) return;
    const replica = node.replica;
    node.replica = undefined;
    this.cutNode(id);
    void replica.stop();
    this.healNode(id);
    node.disk.crash(this.random);
  }

  start(id: number): void {
    const node = this.nodes.get(id)!;
    if (node.replica) return;
    const log = RaftLog.open(node.disk, DIR);
    const snapshot = log.latestSnapshot;
    node.applied = snapshot ? (JSON.parse(snapshot.data.toString("utf8")) as number[]) : [];
    node.appliedOffset = snapshot?.endOffset ?? 0;
    const replica: RaftReplica = new RaftReplica({
      nodeId: id,
      voters: this.options.voters,
      log,
      electionState: new QuorumStateFile(node.disk, DIR),
      transport: this.transport(id),
      clock: this.clock,
      random: this.random,
      settings: this.settings,
      logger: silentLogger,
      listener: {
        onCommit: (highWatermark) => this.apply(node, replica, highWatermark),
        onSnapshotInstalled: (snapshot) => {
          node.applied = JSON.parse(snapshot.data.toString("utf8")) as number[];
          node.appliedOffset = snapshot.endOffset;
          this.recordApplied(node);
        },
        onLeaderChange: ({ leaderId, leaderEpoch }) => {
          if (leaderId !== id) return;
          let leaders = this.leadersByEpoch.get(leaderEpoch);
          if (!leaders) this.leadersByEpoch.set(leaderEpoch, (leaders = new Set()));
          leaders.add(id);
        },
      },
    });
    node.replica = replica;
    replica.start();
  }

  /** Cuts every link between the two groups (both directions). */
  partition(groupA: readonly number[], groupB: readonly number[]): void {
    for (const a of groupA) for (const b of groupB) this.cut.add(`${a}>${b}`).add(`${b}>${a}`);
  }

  cutNode(id: number): void {
    this.partition([id], [...this.nodes.keys()].filter((other) => other !== id));
  }

  healNode(id: number): void {
    for (const link of [...this.cut]) if (link.startsWith(`${id}>`) || link.endsWith(`>${id}`)) this.cut.delete(link);
  }

  healAll(): void {
    this.cut.clear();
  }

  private apply(node: SimNode, replica: RaftReplica, highWatermark: number): void {
    for (; node.appliedOffset < highWatermark; node.appliedOffset++) {
      const entry = replica.log.entry(node.appliedOffset);
      if (!entry) throw new Error(`node ${node.id}: committed entry ${node.appliedOffset} is not in its log`);
      if (!entry.control) node.applied.push(Number(entry.data.toString("utf8")));
    }
    this.recordApplied(node);
    const every = this.options.snapshotEvery ?? 0;
    if (every > 0 && node.appliedOffset - replica.log.startOffset >= every) {
      replica.createSnapshot(node.appliedOffset, Buffer.from(JSON.stringify(node.applied)));
    }
  }

  private recordApplied(node: SimNode): void {
    const longer = node.applied.length > this.committed.length ? node.applied : this.committed;
    const shorter = longer === node.applied ? this.committed : node.applied;
    const mismatch = shorter.findIndex((value, i) => longer[i] !== value);
    if (mismatch >= 0) {
      this.divergence ??= `node ${node.id} applied ${node.applied[mismatch]} at position ${mismatch} where ${this.committed[mismatch]} was committed`;
      return;
    }
    this.committed = [...longer];
  }

  private transport(from: number): RaftTransport {
    return {
      send: <K extends RaftRpc>(to: number, rpc: K, request: RaftRequests[K], onResponse: (response: RaftResponses[K] | undefined) => void) => {
        let done = false;
        const finish = (response: RaftResponses[K] | undefined) => {
          if (done) return;
          done = true;
          timeout.cancel();
          onResponse(response);
        };
        const timeout = this.clock.setTimer(REQUEST_TIMEOUT_MS, () => finish(undefined));
        this.deliver(from, to, () => {
          const target = this.nodes.get(to)?.replica;
          if (!target) return finish(undefined);
          target.handle(rpc, copy(request), (response) => this.deliver(to, from, () => finish(copy(response))));
        });
      },
    };
  }

  /** Runs fn after a small random latency, unless the link is cut or the message is lost. */
  private deliver(from: number, to: number, fn: () => void): void {
    if (this.cut.has(`${from}>${to}`) || this.random() < this.dropRate) return;
    this.clock.setTimer(1 + Math.floor(this.random() * 5), () => {
      if (!this.cut.has(`${from}>${to}`)) fn();
    });
  }
}

/** Messages cross the network as copies, so no node holds another's buffers. */
function copy<T>(message: T): T {
  const m = message as Record<string, unknown>;
  if (!Array.isArray(m.entries) && !Buffer.isBuffer(m.bytes)) return message;
  return {
    ...m,
    ...(Array.isArray(m.entries) ? { entries: (m.entries as { data: Buffer }[]).map((e) => ({ ...e, data: Buffer.from(e.data) })) } : {}),
    ...(Buffer.isBuffer(m.bytes) ? { bytes: Buffer.from(m.bytes) } : {}),
  } as T;
}
