// One node's Raft replica of the metadata log, in KRaft's shape: voters elect a leader with Vote
// (randomized election timeouts, votes and epochs persisted before they count), the leader announces
// itself with BeginQuorumEpoch and opens its epoch with a LeaderChange entry, and everyone else pulls
// entries with Fetch (long-polled; divergent tails are truncated, a log start past the fetcher sends
// it to FetchSnapshot). The high watermark is what a majority of voters holds durably. Observers
// (brokers) fetch like followers but never vote or count. A leader that stops hearing from a
// majority resigns (check-quorum); a stopping leader hands over with EndQuorumEpoch.
// Transport and clock are injected: the same code runs over TCP or a simulated network.
import { KconformError } from "../../../harness/errors.ts";
import type { Clock, Timer } from "../../io/clock.ts";
import type { Logger } from "../../logger.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import { truncationOffset, validateFetchPosition } from "./fetch-position.ts";
import { LeaderProgress, type ReplicaProgress } from "./leader-progress.ts";
import type {
  BeginQuorumEpochRequest,
  EndQuorumEpochRequest,
  FetchRequest,
  FetchResponse,
  FetchSnapshotRequest,
  FetchSnapshotResponse,
  QuorumEpochResponse,
  RaftRequests,
  RaftResponses,
  RaftRpc,
  RaftTransport,
  VoteRequest,
  VoteResponse,
} from "./messages.ts";
import type { ElectionState, ElectionStateStore } from "./quorum-state-file.ts";
import type { RaftLog } from "./raft-log.ts";
import { NO_LEADER_ID, type LeaderAndEpoch, type OffsetAndEpoch, type RaftListener, type RaftSettings, type RaftSnapshot } from "./types.ts";

/** Raft's safety would be broken (committed entries about to be lost): the node must stop. */
export class RaftInvariantError extends KconformError {}

export interface RaftReplicaOptions {
  nodeId: number;
  /** The static voter set (controller.quorum.voters); a node outside it is an observer. */
  voters: readonly number[];
  log: RaftLog;
  electionState: ElectionStateStore;
  transport: RaftTransport;
  clock: Clock;
  /** In [0, 1): election timeouts, the observer's choice of voter. */
  random: () => number;
  settings: RaftSettings;
  listener: RaftListener;
  logger: Logger;
}

interface SnapshotDownload {
  snapshotId: OffsetAndEpoch;
  chunks: Buffer[];
  position: number;
}

type RoleState =
  | { role: "unattached" }
  | { role: "candidate"; granted: Set<number>; answered: Set<number> }
  | { role: "leader"; epochStartOffset: number; progress: LeaderProgress; unannounced: Set<number> }
  | { role: "follower"; leaderId: number; download?: SnapshotDownload };

interface ParkedFetch {
  request: FetchRequest;
  respond: (response: FetchResponse) => void;
  timer: Timer;
}

/** What DescribeQuorum reports; only the leader knows it. */
export interface QuorumDescription extends LeaderAndEpoch {
  highWatermark: number;
  voters: ReplicaProgress[];
  observers: ReplicaProgress[];
}

export class RaftReplica {
  private readonly voters: ReadonlySet<number>;
  private election: ElectionState = { epoch: 0 };
  private state: RoleState = { role: "unattached" };
  /** Bumped on every transition: callbacks of an earlier state see they are stale. */
  private generation = 0;
  private timers: Timer[] = [];
  private fetchTimeout: Timer | undefined;
  private readonly parked = new Map<number, ParkedFetch>();
  private fetchInFlightGeneration: number | undefined;
  private hw = 0;
  private caughtUp = false;
  private stopped = true;
  private announcedLeader: LeaderAndEpoch = { leaderId: NO_LEADER_ID, leaderEpoch: 0 };
  private nextObserverTarget = 0;

  constructor(private readonly options: RaftReplicaOptions) {
    this.voters = new Set(options.voters);
  }

  get nodeId(): number {
    return this.options.nodeId;
  }
  get isVoter(): boolean {
    return this.voters.has(this.nodeId);
  }
  get epoch(): number {
    return this.election.epoch;
  }
  get isLeader(): boolean {
    return this.state.role === "leader";
  }
  get leader(): LeaderAndEpoch {
    return { leaderId: this.currentLeaderId(), leaderEpoch: this.election.epoch };
  }
  /** Entries below it are committed. */
  get highWatermark(): number {
    return this.hw;
  }
  /** Whether this node has learned the leader's high watermark once (or committed as leader). */
  get hasCaughtUp(): boolean {
    return this.caughtUp;
  }
  /** The leader's first offset of its epoch (its LeaderChange entry); undefined unless leader. */
  get epochStartOffset(): number | undefined {
    return this.state.role === "leader" ? this.state.epochStartOffset : undefined;
  }
  get log(): RaftLog {
    return this.options.log;
  }

  start(): void {
    this.stopped = false;
    this.election = this.options.electionState.read();
    this.hw = this.log.startOffset;
    const { epoch, votedId, leaderId } = this.election;
    this.options.logger.log("info", "raft replica starting", { epoch, votedId: votedId ?? -1, leaderId: leaderId ?? -1, voter: this.isVoter, logEnd: this.log.endOffset });
    if (leaderId !== undefined && leaderId !== this.nodeId) this.becomeFollower(epoch, leaderId);
    // A leader that restarts lost its epoch's in-memory state: it resigns, keeping its own vote.
    else if (this.isVoter && this.voters.size === 1) this.becomeCandidate();
    else this.becomeUnattached(epoch, leaderId === this.nodeId ? this.nodeId : votedId);
  }

  /**
   * Graceful stop: a leader hands over first (EndQuorumEpoch to every voter), then nothing more
   * happens. Resolves once the hand-over requests were answered or given up on.
   */
  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const handover: Promise<void>[] = [];
    if (this.state.role === "leader") {
      const successors = this.state.progress.successors();
      const request: EndQuorumEpochRequest = { leaderId: this.nodeId, leaderEpoch: this.epoch, preferredSuccessors: successors };
      for (const voter of successors) handover.push(new Promise((resolve) => this.options.transport.send(voter, "end-quorum-epoch", request, () => resolve())));
    }
    this.leaveState();
    this.state = { role: "unattached" };
    this.generation += 1;
    this.stopped = true;
    return Promise.all(handover).then(() => undefined);
  }

  /** Appends data as a new entry of the current epoch; undefined when this node is not the leader. */
  append(data: Buffer): OffsetAndEpoch | undefined {
    if (this.state.role !== "leader" || this.stopped) return undefined;
    const entry = { offset: this.log.endOffset, epoch: this.epoch, control: false, data };
    this.log.append([entry]);
    this.afterLeaderAppend();
    return { offset: entry.offset, epoch: entry.epoch };
  }

  /** Snapshots the state machine at endOffset (which must be committed) and drops the prefix. */
  createSnapshot(endOffset: number, data: Buffer): RaftSnapshot {
    if (endOffset > this.hw) {
      throw new RaftInvariantError(`cannot snapshot at ${endOffset}: only offsets below the high watermark ${this.hw} are committed`, "raft-snapshot-uncommitted", { endOffset });
    }
    return this.log.createSnapshot(endOffset, data);
  }

  describe(): QuorumDescription | undefined {
    if (this.state.role !== "leader") return undefined;
    const { progress } = this.state;
    return { ...this.leader, highWatermark: this.hw, voters: [...progress.voters.values()], observers: [...progress.observers.values()] };
  }

  /** Handles a request from another node; respond is called once (a fetch may wait for data). */
  handle<K extends RaftRpc>(rpc: K, request: RaftRequests[K], respond: (response: RaftResponses[K]) => void): void {
    const reply = respond as (response: RaftResponses[RaftRpc]) => void;
    if (this.stopped) {
      reply(this.refusal(rpc, ErrorCode.BROKER_NOT_AVAILABLE));
      return;
    }
    switch (rpc) {
      case "vote":
        reply(this.handleVote(request as VoteRequest));
        return;
      case "begin-quorum-epoch":
        reply(this.handleBeginQuorumEpoch(request as BeginQuorumEpochRequest));
        return;
      case "end-quorum-epoch":
        reply(this.handleEndQuorumEpoch(request as EndQuorumEpochRequest));
        return;
      case "fetch":
        this.handleFetch(request as FetchRequest, reply);
        return;
      case "fetch-snapshot":
        reply(this.handleFetchSnapshot(request as FetchSnapshotRequest));
        return;
    }
  }

  // ---- transitions -------------------------------------------------------------------------

  private becomeUnattached(epoch: number, votedId?: number): void {
    this.transition({ epoch, ...(votedId !== undefined ? { votedId } : {}) }, { role: "unattached" });
    if (!this.isVoter) return this.sendFetch();
    // A voter that never took part in an election stands sooner: its first epoch (1) is at most
    // any leader's, so it cannot unseat one, and a new cluster elects its first leader faster.
    const fresh = epoch === 0 && this.log.endOffset === 0;
    this.scheduleElection(fresh ? Math.floor(this.options.random() * this.options.settings.electionTimeoutMs) : this.randomElectionTimeout());
  }

  private becomeCandidate(): void {
    const epoch = this.election.epoch + 1;
    const state: RoleState = { role: "candidate", granted: new Set([this.nodeId]), answered: new Set([this.nodeId]) };
    this.transition({ epoch, votedId: this.nodeId }, state);
    this.options.logger.log("info", "starting an election", { epoch, logEnd: this.log.endOffset, lastEpoch: this.log.lastEpoch });
    if (this.hasMajority(state.granted)) {
      this.becomeLeader();
      return;
    }
    for (const voter of this.voters) if (voter !== this.nodeId) this.requestVote(voter);
    this.scheduleElection(this.randomElectionTimeout());
  }

  private becomeLeader(): void {
    const epochStartOffset = this.log.endOffset;
    const progress = new LeaderProgress(this.nodeId, this.voters, this.monotonicMs());
    const unannounced = new Set([...this.voters].filter((id) => id !== this.nodeId));
    this.transition({ epoch: this.epoch, votedId: this.nodeId, leaderId: this.nodeId }, { role: "leader", epochStartOffset, progress, unannounced });
    this.options.logger.log("info", "elected leader", { epoch: this.epoch, epochStartOffset });
    const leaderChange = { leaderId: this.nodeId, voters: [...this.voters] };
    this.log.append([{ offset: epochStartOffset, epoch: this.epoch, control: true, data: Buffer.from(JSON.stringify(leaderChange)) }]);
    for (const voter of unannounced) this.announceEpoch(voter);
    this.schedulePeriodic(this.options.settings.fetchTimeoutMs, () => this.checkQuorum());
    this.afterLeaderAppend();
  }

  private becomeFollower(epoch: number, leaderId: number): void {
    const votedId = epoch === this.election.epoch ? this.election.votedId : undefined;
    this.transition({ epoch, leaderId, ...(votedId !== undefined ? { votedId } : {}) }, { role: "follower", leaderId });
    this.restartFetchTimeout();
    this.sendFetch();
  }

  private transition(election: ElectionState, state: RoleState): void {
    this.leaveState();
    const changed = election.epoch !== this.election.epoch || election.votedId !== this.election.votedId || election.leaderId !== this.election.leaderId;
    if (changed) this.options.electionState.write(election);
    this.election = election;
    this.state = state;
    this.generation += 1;
    this.announceLeader();
  }

  /** Ends the current state: its timers stop and fetches parked on a leader are answered. */
  private leaveState(): void {
    for (const timer of this.timers) timer.cancel();
    this.timers = [];
    this.fetchTimeout?.cancel();
    this.fetchTimeout = undefined;
    const parked = [...this.parked.values()];
    this.parked.clear();
    for (const fetch of parked) {
      fetch.timer.cancel();
      fetch.respond(this.fetchError(ErrorCode.NOT_LEADER_OR_FOLLOWER));
    }
  }

  private announceLeader(): void {
    const now = this.leader;
    if (now.leaderId === this.announcedLeader.leaderId && now.leaderEpoch === this.announcedLeader.leaderEpoch) return;
    this.announcedLeader = now;
    this.options.listener.onLeaderChange(now);
  }

  // ---- elections ---------------------------------------------------------------------------

  private requestVote(voter: number): void {
    const generation = this.generation;
    const request: VoteRequest = { candidateEpoch: this.epoch, candidateId: this.nodeId, lastOffsetEpoch: this.log.lastEpoch, lastOffset: this.log.endOffset };
    this.options.transport.send(voter, "vote", request, (response) => {
      if (this.stopped) return;
      if (response && this.observeLeader(response)) return;
      const state = this.state;
      if (generation !== this.generation || state.role !== "candidate") return;
      if (!response || response.errorCode === ErrorCode.BROKER_NOT_AVAILABLE) {
        this.schedule(this.options.settings.retryBackoffMs, () => this.requestVote(voter));
        return;
      }
      state.answered.add(voter);
      if (response.voteGranted) state.granted.add(voter);
      if (this.hasMajority(state.granted)) this.becomeLeader();
    });
  }

  private handleVote(request: VoteRequest): VoteResponse {
    const answer = (voteGranted: boolean, errorCode: number = ErrorCode.NONE): VoteResponse => ({ errorCode, voteGranted, ...this.leader });
    if (!this.isVoter || !this.voters.has(request.candidateId)) return answer(false, ErrorCode.INCONSISTENT_VOTER_SET);
    if (request.candidateEpoch < this.epoch) return answer(false, ErrorCode.FENCED_LEADER_EPOCH);
    if (request.candidateEpoch > this.epoch) this.becomeUnattached(request.candidateEpoch);
    if (this.state.role !== "unattached") return answer(false);
    const { votedId } = this.election;
    if (votedId !== undefined) return answer(votedId === request.candidateId);
    const upToDate = request.lastOffsetEpoch > this.log.lastEpoch || (request.lastOffsetEpoch === this.log.lastEpoch && request.lastOffset >= this.log.endOffset);
    if (!upToDate) return answer(false);
    // The vote is durable before it is sent; granting it restarts the election timer, as in Raft.
    this.becomeUnattached(this.epoch, request.candidateId);
    return answer(true);
  }

  private announceEpoch(voter: number): void {
    const generation = this.generation;
    this.options.transport.send(voter, "begin-quorum-epoch", { leaderId: this.nodeId, leaderEpoch: this.epoch }, (response) => {
      if (this.stopped) return;
      if (response && this.observeLeader(response)) return;
      const state = this.state;
      if (generation !== this.generation || state.role !== "leader" || !state.unannounced.has(voter)) return;
      if (response?.errorCode === ErrorCode.NONE) state.unannounced.delete(voter);
      else this.schedule(this.options.settings.retryBackoffMs, () => this.announceEpoch(voter));
    });
  }

  private handleBeginQuorumEpoch(request: BeginQuorumEpochRequest): QuorumEpochResponse {
    if (!this.isVoter) return { errorCode: ErrorCode.INCONSISTENT_VOTER_SET, ...this.leader };
    if (request.leaderEpoch < this.epoch) return { errorCode: ErrorCode.FENCED_LEADER_EPOCH, ...this.leader };
    const following = this.state.role === "follower" && this.state.leaderId === request.leaderId && request.leaderEpoch === this.epoch;
    if (!following && request.leaderId !== this.nodeId) this.becomeFollower(request.leaderEpoch, request.leaderId);
    return { errorCode: ErrorCode.NONE, ...this.leader };
  }

  private handleEndQuorumEpoch(request: EndQuorumEpochRequest): QuorumEpochResponse {
    if (!this.isVoter) return { errorCode: ErrorCode.INCONSISTENT_VOTER_SET, ...this.leader };
    if (request.leaderEpoch < this.epoch) return { errorCode: ErrorCode.FENCED_LEADER_EPOCH, ...this.leader };
    if (request.leaderEpoch > this.epoch) {
      this.becomeUnattached(request.leaderEpoch);
    } else if (this.state.role === "follower" && this.state.leaderId === request.leaderId) {
      // Most caught up successor first: it stands at once, the others a little later.
      const position = request.preferredSuccessors.indexOf(this.nodeId);
      const { retryBackoffMs, electionTimeoutMs } = this.options.settings;
      const delay = position === 0 ? 0 : position > 0 ? Math.min(retryBackoffMs * 2 ** position, electionTimeoutMs) : this.randomElectionTimeout();
      this.schedule(delay + this.options.random() * retryBackoffMs, () => this.becomeCandidate());
    }
    return { errorCode: ErrorCode.NONE, ...this.leader };
  }

  private checkQuorum(): void {
    if (this.state.role !== "leader") return;
    const window = this.options.settings.fetchTimeoutMs * 1.5;
    if (this.state.progress.hasMajorityContact(this.monotonicMs(), window)) return;
    this.options.logger.log("warn", "no fetches from a majority of voters; resigning", { epoch: this.epoch, windowMs: window });
    this.becomeUnattached(this.epoch, this.nodeId);
  }

  /**
   * A response or request naming a newer epoch (or, in ours, a leader we did not know) moves this
   * node along. Returns true when it transitioned, so the caller's state is gone.
   */
  private observeLeader(seen: LeaderAndEpoch): boolean {
    const { leaderId, leaderEpoch } = seen;
    if (leaderEpoch > this.epoch) {
      if (leaderId !== NO_LEADER_ID && leaderId !== this.nodeId) this.becomeFollower(leaderEpoch, leaderId);
      else this.becomeUnattached(leaderEpoch);
      return true;
    }
    const leaderless = this.state.role === "unattached" || this.state.role === "candidate";
    if (leaderEpoch === this.epoch && leaderless && leaderId !== NO_LEADER_ID && leaderId !== this.nodeId) {
      this.becomeFollower(leaderEpoch, leaderId);
      return true;
    }
    return false;
  }

  // ---- the leader's side of replication -----------------------------------------------------

  private handleFetch(request: FetchRequest, respond: (response: FetchResponse) => void): void {
    if (request.currentLeaderEpoch < this.epoch) return respond(this.fetchError(ErrorCode.FENCED_LEADER_EPOCH));
    if (request.currentLeaderEpoch > this.epoch) return respond(this.fetchError(ErrorCode.UNKNOWN_LEADER_EPOCH));
    const state = this.state;
    if (state.role !== "leader") return respond(this.fetchError(ErrorCode.NOT_LEADER_OR_FOLLOWER));
    const position = validateFetchPosition(this.log, request.fetchOffset, request.lastFetchedEpoch);
    if (position.kind !== "valid") {
      state.progress.recordContact(request.replicaId, this.monotonicMs());
      return respond({ ...this.fetchError(ErrorCode.NONE), ...(position.kind === "diverging" ? { divergingEpoch: position.divergingEpoch } : { snapshotId: position.snapshotId }) });
    }
    const progress = state.progress.recordFetch(request.replicaId, request.fetchOffset, this.log.endOffset, this.monotonicMs(), this.options.clock.nowMs());
    state.unannounced.delete(request.replicaId);
    // A fetch still parked from this replica was given up on (its connection broke): let it go.
    const previous = this.parked.get(request.replicaId);
    this.unpark(request.replicaId);
    previous?.respond(this.fetchError(ErrorCode.NONE));
    this.maybeAdvanceHighWatermark();
    if (this.state !== state) return respond(this.fetchError(ErrorCode.NOT_LEADER_OR_FOLLOWER));
    const hasNews = request.fetchOffset < this.log.endOffset || this.hw > progress.highWatermarkSent;
    if (hasNews || request.maxWaitMs <= 0) return respond(this.fetchResponse(state.progress, request));
    const timer = this.options.clock.setTimer(request.maxWaitMs, () => this.completeParked(request.replicaId));
    this.parked.set(request.replicaId, { request, respond, timer });
  }

  private fetchResponse(progress: LeaderProgress, request: FetchRequest): FetchResponse {
    const entries = this.log.read(request.fetchOffset, this.options.settings.fetchMaxBytes);
    const replica = progress.progressOf(request.replicaId);
    if (replica) replica.highWatermarkSent = this.hw;
    return { ...this.fetchError(ErrorCode.NONE), entries };
  }

  private fetchError(errorCode: number): FetchResponse {
    return { errorCode, ...this.leader, highWatermark: this.hw, logStartOffset: this.log.startOffset, entries: [] };
  }

  private unpark(replicaId: number): void {
    this.parked.get(replicaId)?.timer.cancel();
    this.parked.delete(replicaId);
  }

  private completeParked(replicaId: number): void {
    const fetch = this.parked.get(replicaId);
    const state = this.state;
    if (!fetch || state.role !== "leader") return;
    this.unpark(replicaId);
    fetch.respond(this.fetchResponse(state.progress, fetch.request));
  }

  private afterLeaderAppend(): void {
    const state = this.state;
    if (state.role !== "leader") return;
    state.progress.updateLocal(this.log.endOffset, this.monotonicMs(), this.options.clock.nowMs());
    for (const replicaId of [...this.parked.keys()]) this.completeParked(replicaId);
    this.maybeAdvanceHighWatermark();
  }

  private maybeAdvanceHighWatermark(): void {
    const state = this.state;
    if (state.role !== "leader") return;
    const candidate = state.progress.majorityEndOffset();
    // Entries of earlier epochs commit only with one of this epoch (Raft's rule): the LeaderChange.
    if (candidate <= state.epochStartOffset || candidate <= this.hw) return;
    this.updateHighWatermark(candidate);
    for (const replicaId of [...this.parked.keys()]) this.completeParked(replicaId);
  }

  private handleFetchSnapshot(request: FetchSnapshotRequest): FetchSnapshotResponse {
    const snapshot = this.log.latestSnapshot;
    const refuse = (errorCode: number): FetchSnapshotResponse => ({ errorCode, ...this.leader, snapshotId: request.snapshotId, size: 0, position: 0, bytes: Buffer.alloc(0) });
    if (request.currentLeaderEpoch < this.epoch) return refuse(ErrorCode.FENCED_LEADER_EPOCH);
    if (request.currentLeaderEpoch > this.epoch) return refuse(ErrorCode.UNKNOWN_LEADER_EPOCH);
    if (this.state.role !== "leader") return refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    this.state.progress.recordContact(request.replicaId, this.monotonicMs());
    if (!snapshot || snapshot.endOffset !== request.snapshotId.offset || snapshot.epoch !== request.snapshotId.epoch) return refuse(ErrorCode.SNAPSHOT_NOT_FOUND);
    if (request.position < 0 || request.position > snapshot.data.length) return refuse(ErrorCode.POSITION_OUT_OF_RANGE);
    const length = Math.min(request.maxBytes, this.options.settings.snapshotChunkBytes);
    const bytes = snapshot.data.subarray(request.position, request.position + length);
    return { errorCode: ErrorCode.NONE, ...this.leader, snapshotId: request.snapshotId, size: snapshot.data.length, position: request.position, bytes };
  }

  // ---- the follower's (and observer's) side -------------------------------------------------

  private fetchTarget(): number | undefined {
    if (this.state.role === "follower") return this.state.download ? undefined : this.state.leaderId;
    if (this.state.role !== "unattached" || this.isVoter) return undefined;
    // An observer without a leader asks the voters in turn who leads.
    const voters = [...this.voters];
    return voters[this.nextObserverTarget++ % voters.length];
  }

  private sendFetch(): void {
    if (this.stopped || this.fetchInFlightGeneration === this.generation) return;
    const target = this.fetchTarget();
    if (target === undefined) return;
    const generation = this.generation;
    this.fetchInFlightGeneration = generation;
    const request: FetchRequest = {
      replicaId: this.nodeId,
      currentLeaderEpoch: this.epoch,
      fetchOffset: this.log.endOffset,
      lastFetchedEpoch: this.log.lastEpoch,
      maxWaitMs: this.state.role === "follower" ? this.options.settings.fetchMaxWaitMs : 0,
    };
    this.options.transport.send(target, "fetch", request, (response) => {
      if (this.fetchInFlightGeneration === generation) this.fetchInFlightGeneration = undefined;
      if (this.stopped) return;
      if (response && this.observeLeader(response)) return;
      if (generation !== this.generation) return this.sendFetch();
      if (!response || response.errorCode !== ErrorCode.NONE || response.leaderEpoch !== this.epoch) {
        this.schedule(this.options.settings.retryBackoffMs, () => this.sendFetch());
        return;
      }
      this.onFetched(request, response);
    });
  }

  private onFetched(request: FetchRequest, response: FetchResponse): void {
    this.restartFetchTimeout();
    if (response.divergingEpoch) {
      const offset = truncationOffset(this.log, response.divergingEpoch);
      if (offset < this.hw) {
        throw new RaftInvariantError(`leader ${response.leaderId} asked to truncate to ${offset}, below the high watermark ${this.hw}`, "raft-truncate-committed", { offset, highWatermark: this.hw });
      }
      this.options.logger.log("info", "truncating a diverging log tail", { from: this.log.endOffset, to: offset, divergingEpoch: response.divergingEpoch.epoch });
      this.log.truncateTo(offset);
      return this.sendFetch();
    }
    if (response.snapshotId) return this.startSnapshotDownload(response.snapshotId);
    const entries = response.entries;
    if (entries.length > 0 && entries[0].offset === request.fetchOffset && request.fetchOffset === this.log.endOffset) this.log.append(entries);
    const caughtUp = response.highWatermark <= this.log.endOffset;
    this.updateHighWatermark(Math.min(response.highWatermark, this.log.endOffset), caughtUp);
    this.sendFetch();
  }

  private startSnapshotDownload(snapshotId: OffsetAndEpoch): void {
    if (this.state.role !== "follower") return;
    this.state.download = { snapshotId, chunks: [], position: 0 };
    this.options.logger.log("info", "fetching a snapshot from the leader", { endOffset: snapshotId.offset, epoch: snapshotId.epoch });
    this.fetchSnapshotChunk();
  }

  private fetchSnapshotChunk(): void {
    const state = this.state;
    if (state.role !== "follower" || !state.download) return;
    const download = state.download;
    const generation = this.generation;
    const request: FetchSnapshotRequest = {
      replicaId: this.nodeId,
      currentLeaderEpoch: this.epoch,
      snapshotId: download.snapshotId,
      position: download.position,
      maxBytes: this.options.settings.snapshotChunkBytes,
    };
    this.options.transport.send(state.leaderId, "fetch-snapshot", request, (response) => {
      if (this.stopped) return;
      if (response && this.observeLeader(response)) return;
      if (generation !== this.generation || state.download !== download) return;
      const sameSnapshot = response && response.snapshotId.offset === download.snapshotId.offset && response.snapshotId.epoch === download.snapshotId.epoch;
      if (!response || response.errorCode !== ErrorCode.NONE || !sameSnapshot || response.position !== download.position) {
        // Start over with a Fetch: the leader may have a newer snapshot, or none is needed any more.
        state.download = undefined;
        this.schedule(this.options.settings.retryBackoffMs, () => this.sendFetch());
        return;
      }
      this.restartFetchTimeout();
      download.chunks.push(Buffer.from(response.bytes));
      download.position += response.bytes.length;
      if (download.position < response.size && response.bytes.length > 0) return this.fetchSnapshotChunk();
      state.download = undefined;
      this.installSnapshot({ endOffset: download.snapshotId.offset, epoch: download.snapshotId.epoch, data: Buffer.concat(download.chunks) });
      this.sendFetch();
    });
  }

  private installSnapshot(snapshot: RaftSnapshot): void {
    if (snapshot.endOffset < this.hw) return;
    this.log.installSnapshot(snapshot);
    this.hw = snapshot.endOffset;
    this.options.logger.log("info", "installed a snapshot", { endOffset: snapshot.endOffset, epoch: snapshot.epoch });
    this.options.listener.onSnapshotInstalled(snapshot);
  }

  /** A follower that hears nothing from its leader for fetch.timeout.ms stands for election (an observer looks again). */
  private restartFetchTimeout(): void {
    this.fetchTimeout?.cancel();
    const generation = this.generation;
    this.fetchTimeout = this.options.clock.setTimer(this.options.settings.fetchTimeoutMs, () => {
      if (this.stopped || generation !== this.generation) return;
      if (this.isVoter) this.becomeCandidate();
      else this.becomeUnattached(this.epoch);
    });
  }

  // ---- shared helpers -----------------------------------------------------------------------

  private updateHighWatermark(highWatermark: number, caughtUp = true): void {
    const moved = highWatermark > this.hw;
    const firstCatchUp = caughtUp && !this.caughtUp;
    if (moved) this.hw = highWatermark;
    if (caughtUp) this.caughtUp = true;
    if (moved || firstCatchUp) this.options.listener.onCommit(this.hw);
  }

  private currentLeaderId(): number {
    if (this.state.role === "leader") return this.nodeId;
    if (this.state.role === "follower") return this.state.leaderId;
    return NO_LEADER_ID;
  }

  private hasMajority(ids: ReadonlySet<number>): boolean {
    return [...ids].filter((id) => this.voters.has(id)).length > this.voters.size / 2;
  }

  private refusal(rpc: RaftRpc, errorCode: number): RaftResponses[RaftRpc] {
    if (rpc === "vote") return { errorCode, voteGranted: false, ...this.leader };
    if (rpc === "fetch") return this.fetchError(errorCode);
    if (rpc === "fetch-snapshot") return { errorCode, ...this.leader, snapshotId: { offset: -1, epoch: -1 }, size: 0, position: 0, bytes: Buffer.alloc(0) };
    return { errorCode, ...this.leader };
  }

  private randomElectionTimeout(): number {
    const { electionTimeoutMs } = this.options.settings;
    return electionTimeoutMs + Math.floor(this.options.random() * electionTimeoutMs);
  }

  private scheduleElection(delayMs: number): void {
    this.schedule(delayMs, () => this.becomeCandidate());
  }

  /** A timer of the current state: cancelled when the state ends, forgotten once it fired. */
  private schedule(delayMs: number, fn: () => void): void {
    const generation = this.generation;
    const timer: Timer = this.options.clock.setTimer(delayMs, () => {
      this.timers = this.timers.filter((t) => t !== timer);
      if (!this.stopped && generation === this.generation) fn();
    });
    this.timers.push(timer);
  }

  private schedulePeriodic(intervalMs: number, fn: () => void): void {
    this.schedule(intervalMs, () => {
      fn();
      if (this.state.role === "leader") this.schedulePeriodic(intervalMs, fn);
    });
  }

  private monotonicMs(): number {
    return Number(this.options.clock.monotonicNs() / 1_000_000n);
  }
}
