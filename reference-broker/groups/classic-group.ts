// One classic consumer group's membership: state, generation, leader, members with their protocols
// and parked JoinGroup/SyncGroup replies. Bookkeeping only; the rebalance protocol that drives it
// lives in membership.ts. Follows Kafka's ClassicGroup.
import { KconformError } from "../../harness/errors.ts";
import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from "./consumer-protocol.ts";
import { ErrorCode } from "./error-codes.ts";
import type { JoinGroupRequestProtocol, JoinGroupResponse, JoinGroupResponseMember, SyncGroupResponse } from "./messages.ts";

export type ClassicGroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

const VALID_PREVIOUS_STATES: Record<ClassicGroupState, readonly ClassicGroupState[]> = {
  Empty: ["PreparingRebalance"],
  PreparingRebalance: ["Stable", "CompletingRebalance", "Empty"],
  CompletingRebalance: ["PreparingRebalance"],
  Stable: ["CompletingRebalance"],
  Dead: ["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"],
};

/** A transition or lookup the protocol never makes: a bug in the coordinator, not in the client. */
export class GroupStateError extends KconformError {}

export const EMPTY_BYTES = Buffer.alloc(0);

export interface ClassicGroupMember {
  memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  readonly protocolType: string;
  supportedProtocols: readonly JoinGroupRequestProtocol[];
  assignment: Buffer;
  /** The parked JoinGroup reply, while the member waits for the join phase to end. */
  awaitingJoin: ((response: JoinGroupResponse) => void) | undefined;
  /** The parked SyncGroup reply, while the member waits for the leader's assignment. */
  awaitingSync: ((response: SyncGroupResponse) => void) | undefined;
  /** Joined but not yet through a join phase: it cannot heartbeat, so its session is not extended. */
  isNew: boolean;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export class ClassicGroup {
  state: ClassicGroupState;
  previousState: ClassicGroupState;
  currentStateTimestamp: number;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Insertion order decides who becomes leader next, which keeps runs deterministic. */
  readonly members = new Map<string, ClassicGroupMember>();
  /** group.instance.id → member id of the static members. */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED whose owners have not joined with them yet. */
  readonly pendingJoinMembers = new Set<string>();
  /** Members of the current generation that have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>();
  /** Set when a member joins during the initial rebalance, which then waits another delay. */
  newMemberAdded = false;
  /** Topics the "consumer" members subscribe to; undefined when unknown. */
  subscribedTopics: Set<string> | undefined;
  private readonly supportedProtocolCounts = new Map<string, number>();

  constructor(
    readonly groupId: string,
    initialState: ClassicGroupState,
    nowMs: number,
  ) {
    this.state = initialState;
    this.previousState = initialState;
    this.currentStateTimestamp = nowMs;
  }

  is(state: ClassicGroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: ClassicGroupState, nowMs: number): void {
    if (!VALID_PREVIOUS_STATES[state].includes(this.state)) {
      throw new GroupStateError(`group ${this.groupId} cannot move from ${this.state} to ${state}`, "illegal-group-transition", {
        groupId: this.groupId,
        from: this.state,
        to: state,
      });
    }
    this.previousState = this.state;
    this.state = state;
    this.currentStateTimestamp = nowMs;
  }

  /** PreparingRebalance can be entered from here. */
  canRebalance(): boolean {
    return VALID_PREVIOUS_STATES.PreparingRebalance.includes(this.state);
  }

  member(memberId: string): ClassicGroupMember {
    const member = this.members.get(memberId);
    if (!member) {
      throw new GroupStateError(`member ${memberId} is not in group ${this.groupId}`, "unknown-member", { groupId: this.groupId, memberId });
    }
    return member;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  add(member: ClassicGroupMember, joinReply?: (response: JoinGroupResponse) => void): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) {
        throw new GroupStateError(`static member ${member.groupInstanceId} is already in group ${this.groupId}`, "duplicate-static-member", {
          groupId: this.groupId,
          groupInstanceId: member.groupInstanceId,
        });
      }
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member, 1);
    member.awaitingJoin = joinReply;
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.countProtocols(member, -1);
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.isLeader(memberId)) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /**
   * A static member rejoined without its member id: it takes over the old member's place under a
   * new id, and whoever still waits under the old id is fenced.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicGroupMember {
    const member = this.member(oldMemberId);
    this.members.delete(oldMemberId);
    this.completeJoin(member, joinErrorResponse(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    this.completeSync(member, syncErrorResponse(ErrorCode.FENCED_INSTANCE_ID));
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  /** A known member rejoined: take its new protocols and timeouts, and park its JoinGroup reply. */
  updateMember(
    member: ClassicGroupMember,
    protocols: readonly JoinGroupRequestProtocol[],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    joinReply: ((response: JoinGroupResponse) => void) | undefined,
  ): void {
    this.countProtocols(member, -1);
    member.supportedProtocols = protocols;
    this.countProtocols(member, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    // Kafka drops a superseded JoinGroup silently; answering it keeps its connection from hanging.
    if (joinReply && member.awaitingJoin) member.awaitingJoin(joinErrorResponse(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingJoin = joinReply;
  }

  /** Answers the member's parked JoinGroup, if it has one. */
  completeJoin(member: ClassicGroupMember, response: JoinGroupResponse): boolean {
    const reply = member.awaitingJoin;
    if (!reply) return false;
    member.awaitingJoin = undefined;
    reply(response);
    return true;
  }

  /** Answers the member's parked SyncGroup, if it has one. */
  completeSync(member: ClassicGroupMember, response: SyncGroupResponse): boolean {
    const reply = member.awaitingSync;
    if (!reply) return false;
    member.awaitingSync = undefined;
    reply(response);
    return true;
  }

  numAwaitingJoin(): number {
    let count = 0;
    for (const member of this.members.values()) if (member.awaitingJoin) count++;
    return count;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin() && this.pendingJoinMembers.size === 0;
  }

  /** The leader must be among the members that rejoined; if it is not, any rejoined member leads. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.member(this.leaderId).awaitingJoin) return true;
    for (const member of this.members.values()) {
      if (member.awaitingJoin) {
        this.leaderId = member.memberId;
        return true;
      }
    }
    return false;
  }

  /** The largest rebalance timeout among the members: how long a join or sync phase may last. */
  rebalanceTimeoutMs(): number {
    let timeout = 0;
    for (const member of this.members.values()) timeout = Math.max(timeout, member.rebalanceTimeoutMs);
    return timeout;
  }

  /** A joining member fits if it speaks the group's protocol type and one protocol every member supports. */
  supportsProtocols(protocolType: string, protocolNames: ReadonlySet<string>): boolean {
    if (this.is("Empty")) return protocolType.length > 0 && protocolNames.size > 0;
    if (this.protocolType !== protocolType) return false;
    for (const name of protocolNames) {
      if ((this.supportedProtocolCounts.get(name) ?? 0) === this.members.size) return true;
    }
    return false;
  }

  /** Among the protocols every member supports, each member votes for its most preferred; most votes wins. */
  selectProtocol(): string {
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocolCounts) if (count === this.members.size) candidates.add(name);
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const vote = member.supportedProtocols.find((protocol) => candidates.has(protocol.name));
      if (!vote) {
        throw new GroupStateError(`member ${member.memberId} supports none of the group's protocols`, "no-common-protocol", {
          groupId: this.groupId,
          memberId: member.memberId,
        });
      }
      votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1);
    }
    let selected: string | undefined;
    let most = 0;
    for (const [name, count] of votes) {
      if (count > most) {
        selected = name;
        most = count;
      }
    }
    if (selected === undefined) {
      throw new GroupStateError(`group ${this.groupId} has no members to select a protocol`, "empty-group-protocol", { groupId: this.groupId });
    }
    return selected;
  }

  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo("CompletingRebalance", nowMs);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo("Empty", nowMs);
    }
    this.pendingSyncMembers.clear();
  }

  /** What the leader's JoinGroup reply lists: every member with its metadata for the selected protocol. */
  currentMembersForJoin(): JoinGroupResponseMember[] {
    return [...this.members.values()].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      metadata: metadataFor(member, this.protocolName),
    }));
  }

  /** The group instance id, when given, must map to this member id; the member id must be known. */
  validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    return this.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  /** When the subscriptions are unknown, a "consumer" group counts as subscribed to be safe. */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics ? this.subscribedTopics.has(topic) : this.usesConsumerProtocol();
  }

  computeSubscribedTopics(): Set<string> | undefined {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE) return undefined;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return undefined;
    const topics = new Set<string>();
    for (const member of this.members.values()) {
      const memberTopics = subscribedTopicsOf(metadataFor(member, this.protocolName));
      if (!memberTopics) return undefined;
      for (const topic of memberTopics) topics.add(topic);
    }
    return topics;
  }

  private countProtocols(member: ClassicGroupMember, delta: 1 | -1): void {
    for (const protocol of member.supportedProtocols) {
      this.supportedProtocolCounts.set(protocol.name, (this.supportedProtocolCounts.get(protocol.name) ?? 0) + delta);
    }
  }
}

/** The member's metadata for the given protocol. */
export function metadataFor(member: ClassicGroupMember, protocolName: string | null): Buffer {
  const protocol = member.supportedProtocols.find((candidate) => candidate.name === protocolName);
  if (!protocol) {
    throw new GroupStateError(`member ${member.memberId} does not support protocol ${protocolName}`, "unsupported-protocol", {
      memberId: member.memberId,
      protocolName,
    });
  }
  return protocol.metadata;
}

/** Same protocols, in the same order, with the same metadata. */
export function protocolsMatch(a: readonly JoinGroupRequestProtocol[], b: readonly JoinGroupRequestProtocol[]): boolean {
  return a.length === b.length && a.every((protocol, i) => protocol.name === b[i].name && bytesEqual(protocol.metadata, b[i].metadata));
}

export function joinErrorResponse(memberId: string, errorCode: number): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: "",
    skipAssignment: false,
    memberId,
    members: [],
  };
}

export function syncErrorResponse(errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}
