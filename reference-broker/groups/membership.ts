// The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup moving groups
// through Empty → PreparingRebalance → CompletingRebalance → Stable, with the join, sync and
// session deadlines that drop members who stop taking part. Follows the classic-group half of
// Kafka's GroupMetadataManager; replies that must wait for a rebalance are parked and answered
// when it completes.
import {
  ClassicGroup,
  EMPTY_BYTES,
  GroupStateError,
  joinErrorResponse,
  protocolsMatch,
  syncErrorResponse,
  type ClassicGroupMember,
} from "./classic-group.ts";
import type { GroupCoordinatorConfig } from "./config.ts";
import { appendErrorToResponseError, ErrorCode } from "./error-codes.ts";
import { groupFromRecord, groupMetadataRecord } from "./group-records.ts";
import { describeGroup, listGroups } from "./group-views.ts";
import type {
  DescribeGroupsResponse,
  GroupRequestContext,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupMemberIdentity,
  LeaveGroupMemberResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from "./messages.ts";
import type { GroupMetadataValue, GroupRecordStore } from "./records.ts";
import type { Clock, DeadlineTimers } from "./timers.ts";

export interface MembershipDeps {
  config: GroupCoordinatorConfig;
  now: Clock;
  timers: DeadlineTimers;
  store: GroupRecordStore;
  newUuid: () => string;
  log: (line: string) => void;
}

type JoinReply = (response: JoinGroupResponse) => void;

const joinKey = (groupId: string) => `join\u0000${groupId}`;
const syncKey = (groupId: string) => `sync\u0000${groupId}`;
const heartbeatKey = (groupId: string, memberId: string) => `heartbeat\u0000${groupId}\u0000${memberId}`;

export class ClassicGroupManager {
  readonly groups = new Map<string, ClassicGroup>();
  /** False once the coordinator has resigned: every request is then told NOT_COORDINATOR. */
  active = true;

  constructor(private readonly deps: MembershipDeps) {}

  // ---------------------------------------------------------------- JoinGroup

  joinGroup(request: JoinGroupRequest, context: GroupRequestContext): Promise<JoinGroupResponse> {
    return new Promise((resolve) => {
      this.handleJoin(request, context, (response) => resolve(forJoinVersion(response, context.apiVersion)));
    });
  }

  private handleJoin(request: JoinGroupRequest, context: GroupRequestContext, reply: JoinReply): void {
    const { config } = this.deps;
    if (!this.active) return reply(joinErrorResponse(request.memberId, ErrorCode.NOT_COORDINATOR));
    if (request.groupId === "") return reply(joinErrorResponse(request.memberId, ErrorCode.INVALID_GROUP_ID));
    if (request.sessionTimeoutMs < config.groupMinSessionTimeoutMs || request.sessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
      return reply(joinErrorResponse(request.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
    }
    const isUnknownMember = request.memberId === "";
    let group = this.groups.get(request.groupId);
    if (!group) {
      if (!isUnknownMember) return reply(joinErrorResponse(request.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = this.createGroup(request.groupId);
    }
    if (!this.acceptJoiningMember(group, request.memberId)) {
      group.remove(request.memberId);
      reply(joinErrorResponse("", ErrorCode.GROUP_MAX_SIZE_REACHED));
    } else if (isUnknownMember) {
      this.joinNewMember(group, request, context, reply);
    } else {
      this.joinExistingMember(group, request, context, reply);
    }
  }

  /** The group max size counts members waiting to rejoin while rebalancing, and all members otherwise. */
  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const maxSize = this.deps.config.groupMaxSize;
    switch (group.state) {
      case "Empty":
      case "Dead":
        return true;
      case "PreparingRebalance":
        return (group.members.get(memberId)?.awaitingJoin !== undefined) || group.numAwaitingJoin() < maxSize;
      case "CompletingRebalance":
      case "Stable":
        return group.members.has(memberId) || group.members.size < maxSize;
    }
  }

  private joinNewMember(group: ClassicGroup, request: JoinGroupRequest, context: GroupRequestContext, reply: JoinReply): void {
    if (group.is("Dead")) return reply(joinErrorResponse("", ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(request.protocolType, protocolNames(request))) {
      return reply(joinErrorResponse("", ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const groupInstanceId = request.groupInstanceId ?? null;
    const newMemberId = `${groupInstanceId ?? context.clientId}-${this.deps.newUuid()}`;
    if (groupInstanceId !== null) {
      const existingMemberId = group.staticMembers.get(groupInstanceId);
      if (existingMemberId !== undefined) {
        this.replaceStaticMemberThenRebalanceOrCompleteJoin(group, request, context, existingMemberId, newMemberId, reply);
      } else {
        this.addMemberThenRebalanceOrCompleteJoin(group, request, context, newMemberId, reply);
      }
    } else if (context.apiVersion >= 4) {
      // v4+: the member first learns its id, and is only added when it joins again with it.
      group.pendingJoinMembers.add(newMemberId);
      this.deps.timers.schedule(heartbeatKey(group.groupId, newMemberId), request.sessionTimeoutMs, () =>
        this.expireHeartbeat(group.groupId, newMemberId),
      );
      reply(joinErrorResponse(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    } else {
      this.addMemberThenRebalanceOrCompleteJoin(group, request, context, newMemberId, reply);
    }
  }

  private joinExistingMember(group: ClassicGroup, request: JoinGroupRequest, context: GroupRequestContext, reply: JoinReply): void {
    const { memberId } = request;
    const groupInstanceId = request.groupInstanceId ?? null;
    if (group.is("Dead")) return reply(joinErrorResponse(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(request.protocolType, protocolNames(request))) {
      return reply(joinErrorResponse(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.pendingJoinMembers.has(memberId)) {
      // Pending ids are only handed to dynamic members; Kafka fails such a request as a server error.
      if (groupInstanceId !== null) return reply(joinErrorResponse(memberId, ErrorCode.UNKNOWN_SERVER_ERROR));
      return this.addMemberThenRebalanceOrCompleteJoin(group, request, context, memberId, reply);
    }
    const error = group.validateMember(memberId, groupInstanceId);
    if (error !== ErrorCode.NONE) return reply(joinErrorResponse(memberId, error));
    const member = group.member(memberId);
    switch (group.state) {
      case "PreparingRebalance":
        return this.updateMemberThenRebalanceOrCompleteJoin(group, member, request, context, reply);
      case "CompletingRebalance":
        // Same metadata: the member most likely lost the JoinGroup reply, so send it again.
        if (protocolsMatch(member.supportedProtocols, request.protocols)) {
          return reply(this.joinSuccess(group, memberId, group.isLeader(memberId)));
        }
        return this.updateMemberThenRebalanceOrCompleteJoin(group, member, request, context, reply);
      case "Stable":
        // A rejoining leader forces a rebalance: that is how it reacts to metadata changes.
        if (group.isLeader(memberId) || !protocolsMatch(member.supportedProtocols, request.protocols)) {
          return this.updateMemberThenRebalanceOrCompleteJoin(group, member, request, context, reply);
        }
        return reply(this.joinSuccess(group, memberId, false));
      case "Empty":
        return reply(joinErrorResponse(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    request: JoinGroupRequest,
    context: GroupRequestContext,
    memberId: string,
    reply: JoinReply,
  ): void {
    const member: ClassicGroupMember = {
      memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      clientId: context.clientId,
      clientHost: context.clientHost,
      rebalanceTimeoutMs: rebalanceTimeoutOf(request, context),
      sessionTimeoutMs: request.sessionTimeoutMs,
      protocolType: request.protocolType,
      supportedProtocols: request.protocols,
      assignment: EMPTY_BYTES,
      awaitingJoin: undefined,
      awaitingSync: undefined,
      isNew: true,
    };
    if (group.is("PreparingRebalance") && group.previousState === "Empty") group.newMemberAdded = true;
    group.add(member, reply);
    // A new member cannot heartbeat before it knows its id, so its parked JoinGroup gets a bound instead.
    this.rescheduleHeartbeat(group, member, this.deps.config.newMemberJoinTimeoutMs);
    this.maybePrepareRebalanceOrCompleteJoin(group, `adding member ${memberId}`);
  }

  private updateMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    member: ClassicGroupMember,
    request: JoinGroupRequest,
    context: GroupRequestContext,
    reply: JoinReply,
  ): void {
    group.updateMember(member, request.protocols, rebalanceTimeoutOf(request, context), request.sessionTimeoutMs, reply);
    this.maybePrepareRebalanceOrCompleteJoin(group, `member ${member.memberId} rejoining in ${group.state}`);
  }

  /**
   * A static member came back with a new member id. In a Stable group whose protocol stays the same
   * it takes its old place without a rebalance, once the new member id is persisted.
   */
  private replaceStaticMemberThenRebalanceOrCompleteJoin(
    group: ClassicGroup,
    request: JoinGroupRequest,
    context: GroupRequestContext,
    oldMemberId: string,
    newMemberId: string,
    reply: JoinReply,
  ): void {
    const groupInstanceId = request.groupInstanceId ?? null;
    if (groupInstanceId === null) throw new GroupStateError("static replacement without a group instance id", "missing-instance-id", { newMemberId });
    const currentLeader = group.leaderId;
    const member = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId);
    this.deps.timers.cancel(heartbeatKey(group.groupId, oldMemberId));
    this.rescheduleHeartbeat(group, member);
    const previous = {
      protocols: member.supportedProtocols,
      rebalanceTimeoutMs: member.rebalanceTimeoutMs,
      sessionTimeoutMs: member.sessionTimeoutMs,
    };
    group.updateMember(member, request.protocols, rebalanceTimeoutOf(request, context), request.sessionTimeoutMs, reply);

    switch (group.state) {
      case "Stable": {
        if (group.protocolName !== group.selectProtocol()) {
          return this.maybePrepareRebalanceOrCompleteJoin(group, `static member ${groupInstanceId} changed the group protocol`);
        }
        const generationId = group.generationId;
        const assignment = new Map([...group.members.values()].map((m) => [m.memberId, m.assignment]));
        // A rebalance that started meanwhile answers the parked JoinGroup itself.
        const untouched = () =>
          group.is("Stable") && group.generationId === generationId && group.members.get(newMemberId) === member && member.awaitingJoin !== undefined;
        this.deps.store.append([groupMetadataRecord(group, assignment)]).then(
          () => {
            if (!untouched()) return;
            if (context.apiVersion >= 9) {
              // v9+: the leader is told it leads but must not run the assignor on a stable group.
              const isLeader = group.isLeader(newMemberId);
              group.completeJoin(member, { ...this.joinSuccess(group, newMemberId, isLeader), skipAssignment: isLeader });
            } else {
              // Older clients are told the old leader, so a new member id never re-runs the assignment.
              group.completeJoin(member, { ...this.joinSuccess(group, newMemberId, false), leader: currentLeader ?? "" });
            }
          },
          (cause: unknown) => {
            if (!untouched()) return;
            this.deps.log(`group ${group.groupId}: persisting static member ${groupInstanceId} failed, reverting to ${oldMemberId}`);
            group.updateMember(member, previous.protocols, previous.rebalanceTimeoutMs, previous.sessionTimeoutMs, undefined);
            group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId);
            this.deps.timers.cancel(heartbeatKey(group.groupId, newMemberId));
            this.rescheduleHeartbeat(group, member);
            reply({
              ...joinErrorResponse("", appendErrorToResponseError(cause, "group")),
              generationId: group.generationId,
              protocolType: group.protocolType,
              protocolName: group.protocolName,
              leader: currentLeader ?? "",
            });
          },
        );
        return;
      }
      case "CompletingRebalance":
        // The leader may already hold the old member id in its assignment: start over.
        return this.prepareRebalance(group, `static member ${groupInstanceId} rejoined during CompletingRebalance`);
      case "PreparingRebalance":
        return this.maybeCompleteJoinPhase(group);
      case "Empty":
      case "Dead":
        throw new GroupStateError(`group ${group.groupId} has a static member but is ${group.state}`, "static-member-in-empty-group", {
          groupId: group.groupId,
        });
    }
  }

  private joinSuccess(group: ClassicGroup, memberId: string, withMembers: boolean): JoinGroupResponse {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? "",
      skipAssignment: false,
      memberId,
      members: withMembers ? group.currentMembersForJoin() : [],
    };
  }

  // ------------------------------------------------------------ rebalancing

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  /** The initial rebalance always waits out its delay; any other join phase ends once all members rejoined. */
  private maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (group.is("PreparingRebalance") && group.previousState !== "Empty" && group.hasAllMembersJoined()) {
      this.completeJoinPhase(group);
    }
  }

  private prepareRebalance(group: ClassicGroup, reason: string): void {
    const { config, timers, now } = this.deps;
    if (group.is("CompletingRebalance")) this.resetAndPropagateAssignmentWithError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.removeSyncExpiration(group);
    const isInitialRebalance = group.is("Empty");
    if (isInitialRebalance) {
      const delayMs = config.groupInitialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      timers.schedule(joinKey(group.groupId), delayMs, () => this.completeInitialRebalanceOrWait(group.groupId, delayMs, remainingMs));
    }
    this.deps.log(`group ${group.groupId}: preparing to rebalance from ${group.state} at generation ${group.generationId} (${reason})`);
    group.transitionTo("PreparingRebalance", now());
    if (!isInitialRebalance) {
      if (group.hasAllMembersJoined()) this.completeJoinPhase(group);
      else this.scheduleJoinDeadline(group);
    }
  }

  private scheduleJoinDeadline(group: ClassicGroup): void {
    this.deps.timers.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs(), () => {
      const current = this.groups.get(group.groupId);
      if (current) this.completeJoinPhase(current);
    });
  }

  /** While new members keep arriving, the first generation waits another delay, within the rebalance timeout. */
  private completeInitialRebalanceOrWait(groupId: string, delayMs: number, remainingMs: number): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const nextDelayMs = Math.min(this.deps.config.groupInitialRebalanceDelayMs, remainingMs);
      const nextRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.deps.timers.schedule(joinKey(groupId), nextDelayMs, () => this.completeInitialRebalanceOrWait(groupId, nextDelayMs, nextRemainingMs));
    } else {
      this.completeJoinPhase(group);
    }
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin are dropped, the generation advances,
   * and every parked JoinGroup is answered (the leader's with the member list).
   */
  private completeJoinPhase(group: ClassicGroup): void {
    const { timers, now } = this.deps;
    timers.cancel(joinKey(group.groupId));
    for (const member of [...group.members.values()]) {
      if (!member.awaitingJoin && member.groupInstanceId === null) this.dropMember(group, member);
    }
    if (group.is("Dead")) return;
    if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
      // Only static members that did not rejoin are left: wait for them or for their sessions to end.
      this.deps.log(`group ${group.groupId}: no member rejoined, extending the join phase`);
      this.scheduleJoinDeadline(group);
      return;
    }
    group.initNextGeneration(now());
    if (group.is("Empty")) {
      this.deps.log(`group ${group.groupId}: generation ${group.generationId} is empty`);
      this.deps.store.append([groupMetadataRecord(group, new Map())]).catch((cause: unknown) => {
        // The previous generation stays on record; it has no live members, so only a warning.
        this.deps.log(`group ${group.groupId}: writing the empty generation failed: ${String(cause)}`);
      });
      return;
    }
    this.deps.log(`group ${group.groupId}: generation ${group.generationId} with ${group.members.size} members, leader ${group.leaderId}`);
    for (const member of group.members.values()) {
      group.completeJoin(member, this.joinSuccess(group, member.memberId, group.isLeader(member.memberId)));
      this.rescheduleHeartbeat(group, member);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    const generationId = group.generationId;
    timers.schedule(syncKey(group.groupId), group.rebalanceTimeoutMs(), () => this.expirePendingSync(group.groupId, generationId));
  }

  /** Members of the generation that never sent SyncGroup within the rebalance timeout are dropped. */
  private expirePendingSync(groupId: string, generationId: number): void {
    const group = this.groups.get(groupId);
    if (!group || group.generationId !== generationId) return;
    if (!group.is("CompletingRebalance") && !group.is("Stable")) return;
    if (group.pendingSyncMembers.size === 0) return;
    const missing = [...group.pendingSyncMembers];
    for (const memberId of missing) {
      const member = group.members.get(memberId);
      if (member) this.dropMember(group, member);
    }
    this.prepareRebalance(group, `members ${missing.join(", ")} did not sync in time`);
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.pendingSyncMembers.clear();
    this.deps.timers.cancel(syncKey(group.groupId));
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) this.deps.timers.cancel(syncKey(group.groupId));
  }

  private resetAndPropagateAssignmentWithError(group: ClassicGroup, errorCode: number): void {
    for (const member of group.members.values()) member.assignment = EMPTY_BYTES;
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const member of group.members.values()) {
      const answered = group.completeSync(member, {
        throttleTimeMs: 0,
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: member.assignment,
      });
      // A session that ran out while the member waited for the assignment starts again now.
      if (answered) this.rescheduleHeartbeat(group, member);
    }
  }

  // ---------------------------------------------------------------- SyncGroup

  syncGroup(request: SyncGroupRequest, _context: GroupRequestContext): Promise<SyncGroupResponse> {
    return new Promise((resolve) => this.handleSync(request, resolve));
  }

  private handleSync(request: SyncGroupRequest, reply: (response: SyncGroupResponse) => void): void {
    if (!this.active) return reply(syncErrorResponse(ErrorCode.NOT_COORDINATOR));
    if (request.groupId === "") return reply(syncErrorResponse(ErrorCode.INVALID_GROUP_ID));
    const group = this.groups.get(request.groupId);
    if (!group || group.is("Empty")) return reply(syncErrorResponse(ErrorCode.UNKNOWN_MEMBER_ID));
    const error = this.validateSync(group, request);
    if (error !== ErrorCode.NONE) return reply(syncErrorResponse(error));
    const { memberId } = request;
    switch (group.state) {
      case "PreparingRebalance":
        return reply(syncErrorResponse(ErrorCode.REBALANCE_IN_PROGRESS));
      case "CompletingRebalance": {
        const member = group.member(memberId);
        // Kafka drops a superseded SyncGroup silently; answering it keeps its connection from hanging.
        group.completeSync(member, syncErrorResponse(ErrorCode.REBALANCE_IN_PROGRESS));
        member.awaitingSync = reply;
        this.removePendingSyncMember(group, memberId);
        if (group.isLeader(memberId)) this.storeLeaderAssignment(group, request);
        return;
      }
      case "Stable":
        this.removePendingSyncMember(group, memberId);
        return reply({
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          assignment: group.member(memberId).assignment,
        });
      case "Dead":
        throw new GroupStateError(`sync on dead group ${group.groupId}`, "dead-group-sync", { groupId: group.groupId });
    }
  }

  private validateSync(group: ClassicGroup, request: SyncGroupRequest): number {
    if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const memberError = group.validateMember(request.memberId, request.groupInstanceId ?? null);
    if (memberError !== ErrorCode.NONE) return memberError;
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (isProtocolInconsistent(request.protocolType, group.protocolType) || isProtocolInconsistent(request.protocolName, group.protocolName)) {
      return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
    }
    return ErrorCode.NONE;
  }

  /** The leader's assignment is persisted first, then handed to every member; members it left out get an empty one. */
  private storeLeaderAssignment(group: ClassicGroup, request: SyncGroupRequest): void {
    const assignment = new Map<string, Buffer>();
    for (const entry of request.assignments) assignment.set(entry.memberId, entry.assignment);
    for (const memberId of group.members.keys()) if (!assignment.has(memberId)) assignment.set(memberId, EMPTY_BYTES);
    const generationId = request.generationId;
    const stillWaiting = () => group.is("CompletingRebalance") && group.generationId === generationId && this.groups.get(group.groupId) === group;
    this.deps.store.append([groupMetadataRecord(group, assignment)]).then(
      () => {
        if (!stillWaiting()) return;
        for (const member of group.members.values()) member.assignment = assignment.get(member.memberId) ?? EMPTY_BYTES;
        this.propagateAssignment(group, ErrorCode.NONE);
        group.transitionTo("Stable", this.deps.now());
        this.deps.log(`group ${group.groupId}: stable at generation ${group.generationId}`);
      },
      (cause: unknown) => {
        if (!stillWaiting()) return;
        this.resetAndPropagateAssignmentWithError(group, appendErrorToResponseError(cause, "group"));
        this.maybePrepareRebalanceOrCompleteJoin(group, "storing the assignment failed");
      },
    );
  }

  // ---------------------------------------------------------------- Heartbeat

  heartbeat(request: HeartbeatRequest, _context: GroupRequestContext): HeartbeatResponse {
    return { throttleTimeMs: 0, errorCode: this.handleHeartbeat(request) };
  }

  private handleHeartbeat(request: HeartbeatRequest): number {
    if (!this.active) return ErrorCode.NOT_COORDINATOR;
    if (request.groupId === "") return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(request.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const memberError = group.validateMember(request.memberId, request.groupInstanceId ?? null);
    if (memberError !== ErrorCode.NONE) return memberError;
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    switch (group.state) {
      case "Empty":
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case "PreparingRebalance":
        this.rescheduleHeartbeat(group, group.member(request.memberId));
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case "CompletingRebalance":
      case "Stable":
        this.rescheduleHeartbeat(group, group.member(request.memberId));
        return ErrorCode.NONE;
      case "Dead":
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  /** Restarts the member's session; offset commits and heartbeats both keep a member alive. */
  rescheduleHeartbeat(group: ClassicGroup, member: ClassicGroupMember, timeoutMs = member.sessionTimeoutMs): void {
    const { groupId } = group;
    const { memberId } = member;
    this.deps.timers.schedule(heartbeatKey(groupId, memberId), timeoutMs, () => this.expireHeartbeat(groupId, memberId));
  }

  private expireHeartbeat(groupId: string, memberId: string): void {
    const group = this.groups.get(groupId);
    if (!group || group.is("Dead")) return;
    if (group.pendingJoinMembers.has(memberId)) {
      group.remove(memberId);
      if (group.is("PreparingRebalance") && group.hasAllMembersJoined()) this.completeJoinPhase(group);
      return;
    }
    const member = group.members.get(memberId);
    if (!member || hasSatisfiedHeartbeat(member)) return;
    this.deps.log(`group ${groupId}: member ${memberId} session expired`);
    this.removeMemberAndUpdateGroup(group, member);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicGroupMember): void {
    this.dropMember(group, member);
    if (group.is("Stable") || group.is("CompletingRebalance")) {
      this.maybePrepareRebalanceOrCompleteJoin(group, `member ${member.memberId} removed`);
    } else if (group.is("PreparingRebalance") && group.hasAllMembersJoined()) {
      this.completeJoinPhase(group);
    }
  }

  /**
   * Removes a member and answers whatever it still waits for with UNKNOWN_MEMBER_ID, so a client
   * that is still there joins again as a new member.
   */
  private dropMember(group: ClassicGroup, member: ClassicGroupMember): void {
    this.deps.timers.cancel(heartbeatKey(group.groupId, member.memberId));
    group.completeJoin(member, joinErrorResponse("", ErrorCode.UNKNOWN_MEMBER_ID));
    group.completeSync(member, syncErrorResponse(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
  }

  // --------------------------------------------------------------- LeaveGroup

  leaveGroup(request: LeaveGroupRequest, context: GroupRequestContext): LeaveGroupResponse {
    const identities: readonly LeaveGroupMemberIdentity[] =
      context.apiVersion >= 3 ? (request.members ?? []) : [{ memberId: request.memberId ?? "", groupInstanceId: null }];
    const { errorCode, members } = this.handleLeave(request.groupId, identities);
    if (context.apiVersion >= 3) return { throttleTimeMs: 0, errorCode, members };
    // Below v3 there is one member and no member list: its error is the response's error.
    const memberError = members.find((member) => member.errorCode !== ErrorCode.NONE)?.errorCode ?? ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode: errorCode !== ErrorCode.NONE ? errorCode : memberError, members: [] };
  }

  private handleLeave(groupId: string, identities: readonly LeaveGroupMemberIdentity[]): { errorCode: number; members: LeaveGroupMemberResponse[] } {
    if (!this.active) return { errorCode: ErrorCode.NOT_COORDINATOR, members: [] };
    if (groupId === "") return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const answer = (identity: LeaveGroupMemberIdentity, errorCode: number): LeaveGroupMemberResponse => ({
      memberId: identity.memberId,
      groupInstanceId: identity.groupInstanceId ?? null,
      errorCode,
    });
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, members: identities.map((identity) => answer(identity, ErrorCode.UNKNOWN_MEMBER_ID)) };
    if (group.is("Dead")) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };

    const responses: LeaveGroupMemberResponse[] = [];
    let anyLeft = false;
    for (const identity of identities) {
      const groupInstanceId = identity.groupInstanceId ?? null;
      if (identity.memberId === "") {
        // Administrative removal of a static member by its instance id alone.
        const memberId = groupInstanceId === null ? undefined : group.staticMembers.get(groupInstanceId);
        if (memberId === undefined) {
          responses.push(answer(identity, ErrorCode.UNKNOWN_MEMBER_ID));
        } else {
          this.dropMember(group, group.member(memberId));
          responses.push(answer(identity, ErrorCode.NONE));
          anyLeft = true;
        }
      } else if (group.pendingJoinMembers.has(identity.memberId)) {
        group.remove(identity.memberId);
        this.deps.timers.cancel(heartbeatKey(groupId, identity.memberId));
        responses.push(answer(identity, ErrorCode.NONE));
        anyLeft = true;
      } else {
        const error = group.validateMember(identity.memberId, groupInstanceId);
        if (error === ErrorCode.NONE) {
          this.dropMember(group, group.member(identity.memberId));
          anyLeft = true;
        }
        responses.push(answer(identity, error));
      }
    }
    if (anyLeft) {
      if (group.is("Stable") || group.is("CompletingRebalance")) this.maybePrepareRebalanceOrCompleteJoin(group, "members left");
      else if (group.is("PreparingRebalance")) this.maybeCompleteJoinPhase(group);
    }
    return { errorCode: ErrorCode.NONE, members: responses };
  }

  // ------------------------------------------------------- DescribeGroups, ListGroups

  describeGroups(groupIds: readonly string[]): DescribeGroupsResponse {
    return {
      throttleTimeMs: 0,
      groups: groupIds.map((groupId) =>
        this.active ? describeGroup(groupId, this.groups.get(groupId)) : { ...describeGroup(groupId, undefined), errorCode: ErrorCode.NOT_COORDINATOR },
      ),
    };
  }

  listGroups(request: ListGroupsRequest): ListGroupsResponse {
    if (!this.active) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_COORDINATOR, groups: [] };
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: listGroups(this.groups.values(), request) };
  }

  // ------------------------------------------------------------- DeleteGroups

  /** Kafka's ClassicGroup.validateDeleteGroup: only a group without members can be deleted. */
  deletionError(groupId: string): number {
    if (!this.active) return ErrorCode.NOT_COORDINATOR;
    const group = this.groups.get(groupId);
    if (!group || group.is("Dead")) return ErrorCode.GROUP_ID_NOT_FOUND;
    return group.is("Empty") ? ErrorCode.NONE : ErrorCode.NON_EMPTY_GROUP;
  }

  /**
   * The group is going (its tombstones are being written): Dead and forgotten at once, as Kafka's
   * coordinator does, so a JoinGroup arriving meanwhile starts a new group whose records follow the
   * tombstones in the log.
   */
  removeDeletedGroup(groupId: string): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    group.transitionTo("Dead", this.deps.now());
    this.groups.delete(groupId);
  }

  // ------------------------------------------------------------- persistence

  createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, "Empty", this.deps.now());
    this.groups.set(groupId, group);
    return group;
  }

  /** Rebuilds a group from its last record (a null value deletes it). */
  replayGroupMetadata(groupId: string, value: GroupMetadataValue | null): void {
    if (value === null) this.groups.delete(groupId);
    else this.groups.set(groupId, groupFromRecord(groupId, value));
  }

  /** After loading, loaded members must heartbeat again within their sessions. */
  onLoaded(): void {
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) this.rescheduleHeartbeat(group, member);
      if (group.members.size > this.deps.config.groupMaxSize) this.prepareRebalance(group, "loaded group is over its max size");
    }
  }

  /** The coordinator resigned: everyone still waiting is told to find the new coordinator. */
  unload(): void {
    this.active = false;
    this.deps.timers.clear();
    for (const group of this.groups.values()) {
      group.transitionTo("Dead", this.deps.now());
      for (const member of group.members.values()) {
        group.completeJoin(member, joinErrorResponse(member.memberId, ErrorCode.NOT_COORDINATOR));
        group.completeSync(member, syncErrorResponse(ErrorCode.NOT_COORDINATOR));
      }
    }
  }
}

/** Members parked in a rebalance count as alive; new members do not, their JoinGroup has its own bound. */
function hasSatisfiedHeartbeat(member: ClassicGroupMember): boolean {
  if (member.isNew) return false;
  return member.awaitingJoin !== undefined || member.awaitingSync !== undefined;
}

function protocolNames(request: JoinGroupRequest): Set<string> {
  return new Set(request.protocols.map((protocol) => protocol.name));
}

function rebalanceTimeoutOf(request: JoinGroupRequest, context: GroupRequestContext): number {
  return context.apiVersion === 0 || request.rebalanceTimeoutMs === undefined ? request.sessionTimeoutMs : request.rebalanceTimeoutMs;
}

function isProtocolInconsistent(requested: string | null | undefined, current: string | null): boolean {
  return requested !== undefined && requested !== null && current !== null && requested !== current;
}

/** ProtocolName is not nullable before JoinGroup v7. */
function forJoinVersion(response: JoinGroupResponse, apiVersion: number): JoinGroupResponse {
  return apiVersion < 7 && response.protocolName === null ? { ...response, protocolName: "" } : response;
}
