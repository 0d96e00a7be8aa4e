// The MetadataQuorum of a node in a Raft cluster: its image is the committed metadata log applied
// in order (from the latest snapshot on), so every node that applied offset N holds the same image.
// It snapshots the image now and then so the log prefix can go, restarts from a snapshot the leader
// sends, and lets callers wait for what they need (an offset applied, a leader known). Writes go to
// the active controller through the MetadataWrites the node attaches (see metadata-writes.ts).
import type { MetadataDecision, MetadataListener, MetadataQuorum } from "../broker/metadata-quorum.ts";
import type { Clock, Timer } from "../io/clock.ts";
import type { Logger } from "../logger.ts";
import type { Plan } from "../metadata/controller-logic.ts";
import { MetadataImage } from "../metadata/image.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import { decodeMetadataSnapshot, encodeMetadataSnapshot, imageRecords, type MetadataState } from "./image-snapshot.ts";
import { decodeMetadataEntry } from "./metadata-entries.ts";
import type { RaftLog } from "./raft/raft-log.ts";
import type { RaftReplica } from "./raft/replica.ts";
import type { LeaderAndEpoch, RaftListener, RaftSnapshot } from "./raft/types.ts";

export interface MetadataWrites {
  write(decide: MetadataDecision): Promise<Plan>;
}

export interface ClusterMetadataOptions {
  log: RaftLog;
  clock: Clock;
  logger: Logger;
  /** metadata.log.max.record.bytes.between.snapshots */
  snapshotEveryBytes: number;
}

const WAITING_LOG_INTERVAL_MS = 5_000;

export class ClusterMetadata implements MetadataQuorum, RaftListener {
  private state: MetadataState = { image: new MetadataImage(), brokerEpochs: new Map() };
  /** The next offset to apply: everything below it is in the image. */
  private applied = 0;
  private commitTarget = 0;
  private applying = false;
  private readonly listeners = new Set<MetadataListener>();
  private readonly waiters = new Set<() => void>();
  private raft: RaftReplica | undefined;
  private writes: MetadataWrites | undefined;

  constructor(private readonly options: ClusterMetadataOptions) {
    const snapshot = options.log.latestSnapshot;
    if (snapshot) {
      this.state = decodeMetadataSnapshot(snapshot.data, snapshot.endOffset);
      this.applied = snapshot.endOffset;
    }
  }

  get image(): MetadataImage {
    return this.state.image;
  }

  get appliedOffset(): number {
    return this.applied;
  }

  /** The offset of the broker's current registration record (its broker epoch). */
  brokerEpoch(brokerId: number): number | undefined {
    return this.state.brokerEpochs.get(brokerId);
  }

  /** Second step of construction: the replica that feeds this image and the way writes go out. */
  attach(raft: RaftReplica, writes: MetadataWrites): void {
    this.raft = raft;
    this.writes = writes;
  }

  /** Resolves once this node learned the leader's high watermark and applied everything below it. */
  async start(): Promise<void> {
    const started = this.options.clock.nowMs();
    for (;;) {
      if (await this.waitFor(() => this.isCaughtUp(), WAITING_LOG_INTERVAL_MS)) break;
      this.options.logger.log("info", "waiting for the metadata quorum", { waitedMs: this.options.clock.nowMs() - started, leader: this.raft?.leader.leaderId ?? -1 });
    }
    this.options.logger.log("info", "metadata caught up", { appliedOffset: this.applied, records: this.image.appliedRecords });
  }

  isCaughtUp(): boolean {
    return this.raft !== undefined && this.raft.hasCaughtUp && this.applied >= this.raft.highWatermark;
  }

  write(decide: MetadataDecision): Promise<Plan> {
    if (!this.writes) throw new Error("ClusterMetadata.write before attach()");
    return this.writes.write(decide);
  }

  subscribe(listener: MetadataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.notify();
  }

  /**
   * Resolves true as soon as the predicate holds (checked now and after every applied entry and
   * leader change), or false after timeoutMs.
   */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      const check = () => {
        if (!predicate()) return;
        this.waiters.delete(check);
        timer?.cancel();
        resolve(true);
      };
      this.waiters.add(check);
      timer = this.options.clock.setTimer(timeoutMs, () => {
        this.waiters.delete(check);
        resolve(predicate());
      });
    });
  }

  // ---- fed by the Raft replica ----

  onCommit(highWatermark: number): void {
    this.commitTarget = Math.max(this.commitTarget, highWatermark);
    // onCommit can come back in through a listener that appends: the outer call keeps applying.
    if (this.applying) return;
    this.applying = true;
    try {
      while (this.applied < this.commitTarget) this.applyEntry(this.applied);
    } finally {
      this.applying = false;
    }
    this.maybeSnapshot();
    this.notify();
  }

  onSnapshotInstalled(snapshot: RaftSnapshot): void {
    const previous = this.state.image;
    this.state = decodeMetadataSnapshot(snapshot.data, snapshot.endOffset);
    this.applied = snapshot.endOffset;
    this.commitTarget = Math.max(this.commitTarget, snapshot.endOffset);
    // Listeners follow records: the new image's, plus the removal of topics it no longer has.
    const gone: MetadataRecord[] = [...previous.topicsById.keys()].filter((id) => !this.image.topicsById.has(id)).map((topicId) => ({ type: "remove-topic", topicId }));
    this.options.logger.log("info", "metadata image replaced by a snapshot", { endOffset: snapshot.endOffset, removedTopics: gone.length });
    this.tellListeners([...gone, ...imageRecords(this.image)]);
    this.notify();
  }

  onLeaderChange(leader: LeaderAndEpoch): void {
    this.options.logger.log("info", "metadata quorum leader", { leaderId: leader.leaderId, epoch: leader.leaderEpoch });
    this.notify();
  }

  private applyEntry(offset: number): void {
    const entry = this.options.log.entry(offset);
    if (!entry) throw new Error(`committed metadata entry ${offset} is missing from the log (start ${this.options.log.startOffset})`);
    this.applied = offset + 1;
    if (entry.control) return;
    const records = decodeMetadataEntry(entry.data, offset);
    const appliedRecords: MetadataRecord[] = [];
    for (const record of records) {
      try {
        this.image.apply(record);
        appliedRecords.push(record);
        if (record.type === "register-broker") this.state.brokerEpochs.set(record.brokerId, offset);
      } catch (error) {
        // Every node skips the same record the same way, so their images still agree.
        this.options.logger.log("error", "a committed metadata record does not apply; skipping it", { offset, record: JSON.stringify(record), error: (error as Error).message });
      }
    }
    this.tellListeners(appliedRecords);
  }

  private tellListeners(records: readonly MetadataRecord[]): void {
    for (const listener of this.listeners) {
      try {
        listener(records, this.image);
      } catch (error) {
        this.options.logger.log("error", "metadata listener failed", { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    }
  }

  private maybeSnapshot(): void {
    const { log, snapshotEveryBytes } = this.options;
    if (!this.raft || log.bytesSinceSnapshot < snapshotEveryBytes || this.applied <= log.startOffset) return;
    const snapshot = this.raft.createSnapshot(this.applied, encodeMetadataSnapshot(this.state));
    this.options.logger.log("info", "metadata snapshot written", { endOffset: snapshot.endOffset, bytes: snapshot.data.length });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
