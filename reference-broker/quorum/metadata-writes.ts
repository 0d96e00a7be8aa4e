// How any node commits a metadata decision (MetadataQuorum.write) in a cluster. On the active
// controller the decision goes into its write queue. Anywhere else the node decides against its own
// caught-up image and proposes the records to the active controller together with the log offset it
// decided at; the controller appends them only if nothing was committed since (compare-and-set), so
// the outcome is the same as deciding on the controller — a stale proposal is decided again once
// this node has applied what it missed. The write resolves when this node has applied the records.
import type { MetadataDecision } from "../broker/metadata-quorum.ts";
import type { Clock } from "../io/clock.ts";
import type { Logger } from "../logger.ts";
import type { Plan } from "../metadata/controller-logic.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import type { ClusterMetadata, MetadataWrites } from "./cluster-metadata.ts";
import type { ControllerWriteQueue } from "./controller/write-queue.ts";
import type { RaftReplica } from "./raft/replica.ts";
import { NO_LEADER_ID } from "./raft/types.ts";

export type ProposalOutcome =
  | { kind: "committed"; offset: number }
  | { kind: "stale" }
  | { kind: "not-controller" }
  | { kind: "failed"; reason: string };

/** Sends a proposal to the active controller (over TCP: Produce to __cluster_metadata). */
export interface MetadataProposer {
  propose(controllerId: number, baseOffset: number, leaderEpoch: number, records: MetadataRecord[]): Promise<ProposalOutcome>;
}

export interface MetadataWritesOptions {
  metadata: ClusterMetadata;
  raft: RaftReplica;
  /** Present on controllers: the queue used while this node is the leader. */
  local?: ControllerWriteQueue;
  remote: MetadataProposer;
  clock: Clock;
  logger: Logger;
  /** Overall bound; then the write is answered REQUEST_TIMED_OUT (Kafka's answer when the controller cannot be reached). */
  timeoutMs: number;
  retryBackoffMs: number;
}

type Attempt = { done: true; plan: Plan } | { done: false; retryWhen: () => boolean; why: string };

export class ControllerBoundWrites implements MetadataWrites {
  constructor(private readonly options: MetadataWritesOptions) {}

  async write(decide: MetadataDecision): Promise<Plan> {
    const { clock, metadata, timeoutMs, retryBackoffMs } = this.options;
    const deadline = clock.nowMs() + timeoutMs;
    let why = "";
    for (;;) {
      const attempt = await this.attempt(decide, deadline);
      if (attempt.done) return attempt.plan;
      why = attempt.why;
      const remaining = deadline - clock.nowMs();
      if (remaining <= 0) break;
      await metadata.waitFor(attempt.retryWhen, Math.min(remaining, retryBackoffMs * 10));
      await sleep(clock, Math.min(retryBackoffMs, Math.max(0, deadline - clock.nowMs())));
    }
    this.options.logger.log("warn", "a metadata write timed out", { timeoutMs, lastProblem: why });
    return { ok: false, error: "REQUEST_TIMED_OUT", message: `The metadata write could not be committed within ${timeoutMs} ms: ${why}` };
  }

  private async attempt(decide: MetadataDecision, deadline: number): Promise<Attempt> {
    const { metadata, raft, local, remote } = this.options;
    const leader = raft.leader;
    const leaderMoves = () => raft.leader.leaderId !== leader.leaderId || raft.leader.leaderEpoch !== leader.leaderEpoch;
    if (local && raft.isLeader) {
      const outcome = await local.submit(decide);
      if (outcome.kind === "committed" || outcome.kind === "refused") return { done: true, plan: outcome.plan };
      return { done: false, retryWhen: leaderMoves, why: "this controller lost its leadership" };
    }
    if (leader.leaderId === NO_LEADER_ID) return { done: false, retryWhen: () => raft.leader.leaderId !== NO_LEADER_ID, why: "no active controller is known" };
    if (!metadata.isCaughtUp()) return { done: false, retryWhen: () => metadata.isCaughtUp(), why: "this node's metadata is not caught up" };
    const baseOffset = metadata.appliedOffset;
    const plan = decide(metadata.image);
    if (!plan.ok || plan.records.length === 0) return { done: true, plan };
    const outcome = await remote.propose(leader.leaderId, baseOffset, leader.leaderEpoch, plan.records);
    switch (outcome.kind) {
      case "committed": {
        const applied = () => metadata.appliedOffset > outcome.offset;
        await metadata.waitFor(applied, Math.max(0, deadline - this.options.clock.nowMs()));
        return { done: true, plan };
      }
      case "stale":
        return { done: false, retryWhen: () => metadata.appliedOffset > baseOffset, why: `decided at offset ${baseOffset}, which is no longer the latest` };
      case "not-controller":
        return { done: false, retryWhen: leaderMoves, why: `node ${leader.leaderId} is not the active controller` };
      case "failed":
        return { done: false, retryWhen: leaderMoves, why: outcome.reason };
    }
  }
}

function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, resolve));
}
