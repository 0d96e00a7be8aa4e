// The active controller's one queue of metadata writes. Each write is decided against the image
// with every earlier write committed and applied, appended to the Raft log, and answered once it is
// committed and applied here — so two decisions never race (two CreateTopics of one name cannot both
// commit). A conditional write (a broker's proposal) carries the log end offset it was decided at
// and is refused as stale when anything was committed since. Only an active controller writes: the
// Raft leader whose LeaderChange entry (and so every earlier entry) is committed and applied.
import type { MetadataDecision } from "../../broker/metadata-quorum.ts";
import type { Logger } from "../../logger.ts";
import type { Plan } from "../../metadata/controller-logic.ts";
import type { MetadataRecord } from "../../metadata/records.ts";
import type { ClusterMetadata } from "../cluster-metadata.ts";
import { encodeMetadataEntry } from "../metadata-entries.ts";
import type { RaftReplica } from "../raft/replica.ts";

export type WriteOutcome =
  | { kind: "committed"; plan: Plan; offset: number }
  /** The decision refused, or had nothing to write: nothing was appended. */
  | { kind: "refused"; plan: Plan }
  /** A conditional write decided on an image that is no longer the latest. */
  | { kind: "stale"; endOffset: number }
  /** Not the active controller (any more): the write may or may not have been committed. */
  | { kind: "not-controller" };

const RECHECK_MS = 1_000;

export interface WriteQueueSettings {
  /** How long a newly elected leader may take to commit its epoch before writes give up. */
  activationTimeoutMs: number;
}

export class ControllerWriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly raft: RaftReplica,
    private readonly metadata: ClusterMetadata,
    private readonly settings: WriteQueueSettings,
    private readonly logger: Logger,
  ) {}

  isActive(): boolean {
    const start = this.raft.epochStartOffset;
    return this.raft.isLeader && start !== undefined && this.metadata.appliedOffset > start;
  }

  submit(decide: MetadataDecision): Promise<WriteOutcome> {
    return this.enqueue(() => this.commit(() => decide(this.metadata.image)));
  }

  /** Appends records decided elsewhere at baseOffset, unless the log has moved on since. */
  submitConditional(baseOffset: number, records: MetadataRecord[]): Promise<WriteOutcome> {
    return this.enqueue(() => this.commit(() => (baseOffset === this.raft.log.endOffset ? { ok: true, records } : { stale: this.raft.log.endOffset })));
  }

  private enqueue(run: () => Promise<WriteOutcome>): Promise<WriteOutcome> {
    const result = this.tail.then(run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async commit(decideNow: () => Plan | { stale: number }): Promise<WriteOutcome> {
    if (!this.raft.isLeader) return { kind: "not-controller" };
    await this.metadata.waitFor(() => this.isActive() || !this.raft.isLeader, this.settings.activationTimeoutMs);
    if (!this.isActive()) return { kind: "not-controller" };
    const epoch = this.raft.epoch;
    const plan = decideNow();
    if ("stale" in plan) return { kind: "stale", endOffset: plan.stale };
    if (!plan.ok || plan.records.length === 0) return { kind: "refused", plan };
    const appended = this.raft.append(encodeMetadataEntry(plan.records));
    if (!appended) return { kind: "not-controller" };
    const applied = () => this.metadata.appliedOffset > appended.offset;
    const stillLeading = () => this.raft.isLeader && this.raft.epoch === epoch;
    // No time limit while leading: the next decision must see this one. A leader that cannot
    // commit loses a majority's fetches and resigns (check-quorum), which ends the wait.
    while (!applied() && stillLeading()) await this.metadata.waitFor(() => applied() || !stillLeading(), RECHECK_MS);
    if (applied()) return { kind: "committed", plan, offset: appended.offset };
    this.logger.log("warn", "a metadata write was appended but not committed before leadership moved on", { offset: appended.offset, epoch });
    return { kind: "not-controller" };
  }
}
