// The group coordinator of one offsets-topic partition: the entry point the API handlers call.
// It is loaded by replaying that partition's records, answers the group APIs, fires its deadlines
// when the injected clock says so, and is unloaded when the broker stops leading the partition.
import { randomUUID } from "node:crypto";
import type { ClassicGroupState } from "./classic-group.ts";
import { DEFAULT_GROUP_COORDINATOR_CONFIG, type GroupCoordinatorConfig } from "./config.ts";
import { ClassicGroupManager } from "./membership.ts";
import type {
  DescribeGroupsResponse,
  GroupRequestContext,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchRequestTopic,
  OffsetFetchResponse,
  OffsetFetchResponseGroup,
  SyncGroupRequest,
  SyncGroupResponse,
} from "./messages.ts";
import { appendErrorToResponseError, ErrorCode } from "./error-codes.ts";
import { OffsetManager } from "./offsets.ts";
import type { GroupRecord, GroupRecordStore } from "./records.ts";
import { DeadlineTimers, type Clock } from "./timers.ts";

export interface GroupCoordinatorOptions {
  config?: Partial<GroupCoordinatorConfig>;
  /** Milliseconds since the epoch; tests pass a manual clock. */
  clock: Clock;
  store: GroupRecordStore;
  /** The random part of new member ids (Kafka: a UUID). */
  newUuid?: () => string;
  log?: (line: string) => void;
}

/** A read-only summary of a group, for logs, admin views and tests. */
export interface GroupView {
  groupId: string;
  state: ClassicGroupState;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  members: { memberId: string; groupInstanceId: string | null }[];
}

/** One group's answer to DeleteGroups. */
export interface DeletedGroup {
  groupId: string;
  errorCode: number;
}

export class GroupCoordinator {
  private readonly store: GroupRecordStore;
  private readonly timers: DeadlineTimers;
  private readonly membership: ClassicGroupManager;
  private readonly offsets: OffsetManager;

  /** Rebuilds the coordinator from the partition's records, in log order, and starts the members' sessions. */
  static load(options: GroupCoordinatorOptions, records: Iterable<GroupRecord>): GroupCoordinator {
    const coordinator = new GroupCoordinator(options);
    for (const record of records) {
      if (record.type === "offset-commit") coordinator.offsets.replayOffsetCommit(record);
      else coordinator.membership.replayGroupMetadata(record.groupId, record.value);
    }
    coordinator.membership.onLoaded();
    return coordinator;
  }

  private constructor(options: GroupCoordinatorOptions) {
    const config = { ...DEFAULT_GROUP_COORDINATOR_CONFIG, ...options.config };
    const now = options.clock;
    this.store = options.store;
    this.timers = new DeadlineTimers(now);
    this.membership = new ClassicGroupManager({
      config,
      now,
      timers: this.timers,
      store: options.store,
      newUuid: options.newUuid ?? randomUUID,
      log: options.log ?? (() => {}),
    });
    this.offsets = new OffsetManager({ config, now, store: options.store, membership: this.membership });
  }

  /** Parked until the join phase ends (or answered at once with an error or MEMBER_ID_REQUIRED). */
  joinGroup(request: JoinGroupRequest, context: GroupRequestContext): Promise<JoinGroupResponse> {
    return this.handle(() => this.membership.joinGroup(request, context));
  }

  /** Followers are parked until the leader's assignment is persisted. */
  syncGroup(request: SyncGroupRequest, context: GroupRequestContext): Promise<SyncGroupResponse> {
    return this.handle(() => this.membership.syncGroup(request, context));
  }

  heartbeat(request: HeartbeatRequest, context: GroupRequestContext): HeartbeatResponse {
    return this.handle(() => this.membership.heartbeat(request, context));
  }

  leaveGroup(request: LeaveGroupRequest, context: GroupRequestContext): LeaveGroupResponse {
    return this.handle(() => this.membership.leaveGroup(request, context));
  }

  /** Resolves once the commit records are durable (or failed). */
  commitOffsets(request: OffsetCommitRequest, context: GroupRequestContext): Promise<OffsetCommitResponse> {
    return this.handle(() => this.offsets.commitOffsets(request, context));
  }

  /** Every group of a v8+ request must belong to this coordinator; split the request per coordinator otherwise. */
  offsetFetch(request: OffsetFetchRequest, context: GroupRequestContext): OffsetFetchResponse {
    return this.handle(() => this.offsets.offsetFetch(request, context));
  }

  /** One group's offsets (`topics` null: all of them), for handlers that fan a v8+ request out. */
  fetchOffsets(groupId: string, topics: readonly OffsetFetchRequestTopic[] | null): OffsetFetchResponseGroup {
    return this.handle(() => this.offsets.fetchOffsets(groupId, topics));
  }

  deleteOffsets(request: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    return this.handle(() => this.offsets.deleteOffsets(request));
  }

  /**
   * DeleteGroups (Kafka's GroupCoordinatorShard.deleteGroups): each Empty group is removed, and its
   * committed offsets and its metadata get tombstones in the offsets topic, written in one append;
   * a group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
   */
  deleteGroups(groupIds: readonly string[]): Promise<DeletedGroup[]> {
    return this.handle(() => {
      const records: GroupRecord[] = [];
      const applyDurable: (() => void)[] = [];
      const errors = groupIds.map((groupId) => {
        const errorCode = this.membership.deletionError(groupId);
        if (errorCode !== ErrorCode.NONE) return errorCode;
        const offsets = this.offsets.prepareGroupDeletion(groupId);
        records.push(...offsets.tombstones, { type: "group-metadata", groupId, value: null });
        applyDurable.push(offsets.applyDurable);
        this.membership.removeDeletedGroup(groupId);
        return ErrorCode.NONE;
      });
      const answer = (failure?: number) => groupIds.map((groupId, i) => ({ groupId, errorCode: errors[i] === ErrorCode.NONE && failure !== undefined ? failure : errors[i] }));
      if (records.length === 0) return Promise.resolve(answer());
      return this.store.append(records).then(
        () => {
          for (const apply of applyDurable) apply();
          return answer();
        },
        (cause: unknown) => answer(appendErrorToResponseError(cause, "group")),
      );
    });
  }

  /** The groups of this coordinator among `groupIds`; a handler serving several coordinators concatenates. */
  describeGroups(groupIds: readonly string[]): DescribeGroupsResponse {
    return this.handle(() => this.membership.describeGroups(groupIds));
  }

  listGroups(request: ListGroupsRequest): ListGroupsResponse {
    return this.handle(() => this.membership.listGroups(request));
  }

  /** Fires the deadlines that are due (session, join, sync); call it at nextDeadline() or periodically. */
  tick(): void {
    this.timers.runDue();
  }

  /** When tick() next has something to do, in clock milliseconds. */
  nextDeadline(): number | undefined {
    return this.timers.nextDeadline();
  }

  /** The broker no longer leads this partition: parked requests get NOT_COORDINATOR, and so does every later one. */
  unload(): void {
    this.membership.unload();
  }

  inspectGroup(groupId: string): GroupView | undefined {
    const group = this.membership.groups.get(groupId);
    if (!group) return undefined;
    return {
      groupId,
      state: group.state,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId,
      members: [...group.members.values()].map((member) => ({ memberId: member.memberId, groupInstanceId: member.groupInstanceId })),
    };
  }

  /**
   * Deadlines that passed before the request arrived are fired first, so a member whose session
   * ran out is gone before it is heard; deadlines of zero set by the request fire right after.
   */
  private handle<T>(operation: () => T): T {
    this.timers.runDue();
    const result = operation();
    this.timers.runDue();
    return result;
  }
}
