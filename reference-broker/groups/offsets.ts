// Committed offsets: OffsetCommit validated against the group's generation and members, OffsetFetch
// (named partitions or all of them), OffsetDelete. A commit is acknowledged, and becomes visible to
// OffsetFetch, only once its record is durable in the offsets topic. Follows Kafka's
// OffsetMetadataManager.
import type { ClassicGroup } from "./classic-group.ts";
import type { GroupCoordinatorConfig } from "./config.ts";
import { appendErrorToResponseError, ErrorCode } from "./error-codes.ts";
import type { ClassicGroupManager } from "./membership.ts";
import type {
  GroupRequestContext,
  OffsetCommitRequest,
  OffsetCommitRequestPartition,
  OffsetCommitResponse,
  OffsetCommitResponsePartition,
  OffsetDeleteRequest,
  OffsetDeleteResponse,
  OffsetFetchRequest,
  OffsetFetchRequestTopic,
  OffsetFetchResponse,
  OffsetFetchResponseGroup,
  OffsetFetchResponseTopic,
} from "./messages.ts";
import type { GroupRecordStore, OffsetCommitRecord, OffsetCommitValue } from "./records.ts";
import type { Clock } from "./timers.ts";

/** What OffsetFetch answers for a partition without a committed offset. */
const NO_OFFSET = { committedOffset: -1n, committedLeaderEpoch: -1, metadata: "", errorCode: ErrorCode.NONE } as const;

export interface OffsetDeps {
  config: GroupCoordinatorConfig;
  now: Clock;
  store: GroupRecordStore;
  membership: ClassicGroupManager;
}

interface StoredOffset extends OffsetCommitValue {
  /** Position of the write that produced it, so a late-finishing older write never overwrites it. */
  appliedAt: number;
}

export class OffsetManager {
  /** groupId → topic → partition → committed offset. */
  private readonly offsets = new Map<string, Map<string, Map<number, StoredOffset>>>();
  private writes = 0;

  constructor(private readonly deps: OffsetDeps) {}

  // ------------------------------------------------------------- OffsetCommit

  commitOffsets(request: OffsetCommitRequest, context: GroupRequestContext): Promise<OffsetCommitResponse> {
    const { membership, config, now } = this.deps;
    const everyPartition = (errorCode: number): Promise<OffsetCommitResponse> => Promise.resolve(commitResponse(request, () => errorCode));
    if (!membership.active) return everyPartition(ErrorCode.NOT_COORDINATOR);

    const generationId = request.generationIdOrMemberEpoch ?? -1;
    const memberId = request.memberId ?? "";
    const groupInstanceId = request.groupInstanceId ?? null;
    let group = membership.groups.get(request.groupId);
    let createdSimpleGroup = false;
    if (!group) {
      // A commit with generation -1 comes from a consumer that manages its own partitions (or the
      // admin client): it gets a "simple" group that only holds offsets.
      if (generationId >= 0) return everyPartition(context.apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
      group = membership.createGroup(request.groupId);
      createdSimpleGroup = true;
    }
    const error = validateOffsetCommit(group, memberId, groupInstanceId, generationId);
    if (error !== ErrorCode.NONE) return everyPartition(error);
    if (group.is("Stable") || group.is("PreparingRebalance")) membership.rescheduleHeartbeat(group, group.member(memberId));

    const commitTimestamp = now();
    const records: OffsetCommitRecord[] = [];
    const response = commitResponse(request, (topic, partition) => {
      const metadata = partition.committedMetadata ?? "";
      if (metadata.length > config.offsetMetadataMaxBytes) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
      records.push({
        type: "offset-commit",
        groupId: request.groupId,
        topic,
        partition: partition.partitionIndex,
        value: {
          offset: partition.committedOffset,
          leaderEpoch: partition.committedLeaderEpoch ?? -1,
          metadata,
          commitTimestamp,
        },
      });
      return ErrorCode.NONE;
    });
    if (records.length === 0) return Promise.resolve(response);

    const simpleGroup = group;
    const position = this.writes++;
    return this.deps.store.append(records).then(
      () => {
        for (const record of records) this.apply(record, position);
        return response;
      },
      (cause: unknown) => {
        const errorCode = appendErrorToResponseError(cause, "offsets");
        if (createdSimpleGroup && simpleGroup.is("Empty") && simpleGroup.members.size === 0 && !this.offsets.has(simpleGroup.groupId)) {
          if (membership.groups.get(simpleGroup.groupId) === simpleGroup) membership.groups.delete(simpleGroup.groupId);
        }
        for (const topic of response.topics) {
          for (const partition of topic.partitions) if (partition.errorCode === ErrorCode.NONE) partition.errorCode = errorCode;
        }
        return response;
      },
    );
  }

  // -------------------------------------------------------------- OffsetFetch

  /** OffsetFetch for every version: one group below v8, a list of groups from v8. */
  offsetFetch(request: OffsetFetchRequest, context: GroupRequestContext): OffsetFetchResponse {
    if (context.apiVersion >= 8) {
      return {
        throttleTimeMs: 0,
        topics: [],
        errorCode: ErrorCode.NONE,
        groups: (request.groups ?? []).map((group) => this.fetchOffsets(group.groupId, group.topics)),
      };
    }
    const requestedTopics = request.topics ?? null;
    const group = this.fetchOffsets(request.groupId ?? "", requestedTopics);
    if (group.errorCode !== ErrorCode.NONE && context.apiVersion < 2) {
      // v0–1 have no top-level error code: every requested partition carries it.
      const topics = (requestedTopics ?? []).map((topic) => ({
        name: topic.name,
        partitions: topic.partitionIndexes.map((partitionIndex) => ({ partitionIndex, ...NO_OFFSET, errorCode: group.errorCode })),
      }));
      return { throttleTimeMs: 0, topics, errorCode: group.errorCode, groups: [] };
    }
    return { throttleTimeMs: 0, topics: group.topics, errorCode: group.errorCode, groups: [] };
  }

  /**
   * One group's committed offsets: the named partitions (-1 where nothing is committed), or every
   * committed partition when `topics` is null. Answered whatever the group's state, since groups
   * that only store offsets have no members.
   */
  fetchOffsets(groupId: string, topics: readonly OffsetFetchRequestTopic[] | null): OffsetFetchResponseGroup {
    if (!this.deps.membership.active) return { groupId, topics: [], errorCode: ErrorCode.NOT_COORDINATOR };
    const groupOffsets = this.offsets.get(groupId);
    if (topics === null) {
      const all: OffsetFetchResponseTopic[] = [];
      for (const [name, partitions] of groupOffsets ?? []) {
        all.push({
          name,
          partitions: [...partitions].map(([partitionIndex, stored]) => ({ partitionIndex, ...fetched(stored) })),
        });
      }
      return { groupId, topics: all, errorCode: ErrorCode.NONE };
    }
    return {
      groupId,
      errorCode: ErrorCode.NONE,
      topics: topics.map((topic) => {
        const topicOffsets = groupOffsets?.get(topic.name);
        return {
          name: topic.name,
          partitions: topic.partitionIndexes.map((partitionIndex) => {
            const stored = topicOffsets?.get(partitionIndex);
            return { partitionIndex, ...(stored ? fetched(stored) : NO_OFFSET) };
          }),
        };
      }),
    };
  }

  // ------------------------------------------------------------- OffsetDelete

  /** Deletes committed offsets of an empty group, or of topics a "consumer" group no longer subscribes to. */
  deleteOffsets(request: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const { membership } = this.deps;
    const failed = (errorCode: number): Promise<OffsetDeleteResponse> => Promise.resolve({ errorCode, throttleTimeMs: 0, topics: [] });
    if (!membership.active) return failed(ErrorCode.NOT_COORDINATOR);
    const group = membership.groups.get(request.groupId);
    if (!group || group.is("Dead")) return failed(ErrorCode.GROUP_ID_NOT_FOUND);
    if (!group.is("Empty") && !group.usesConsumerProtocol()) return failed(ErrorCode.NON_EMPTY_GROUP);

    const tombstones: OffsetCommitRecord[] = [];
    const response: OffsetDeleteResponse = {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: request.topics.map((topic) => {
        const subscribed = group.isSubscribedToTopic(topic.name);
        return {
          name: topic.name,
          partitions: topic.partitions.map(({ partitionIndex }) => {
            if (subscribed) return { partitionIndex, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC };
            if (this.offsets.get(request.groupId)?.get(topic.name)?.has(partitionIndex)) {
              tombstones.push({ type: "offset-commit", groupId: request.groupId, topic: topic.name, partition: partitionIndex, value: null });
            }
            return { partitionIndex, errorCode: ErrorCode.NONE };
          }),
        };
      }),
    };
    if (tombstones.length === 0) return Promise.resolve(response);
    const position = this.writes++;
    return this.deps.store.append(tombstones).then(
      () => {
        for (const tombstone of tombstones) this.apply(tombstone, position);
        return response;
      },
      (cause: unknown) => failed(appendErrorToResponseError(cause, "offsets")),
    );
  }

  // ------------------------------------------------------------- DeleteGroups

  /**
   * Tombstones for every offset the group committed, to be written with the group's own tombstone;
   * `applyDurable` removes them here once the write is durable. A commit that lands after this call
   * is newer and survives the tombstones.
   */
  prepareGroupDeletion(groupId: string): { tombstones: OffsetCommitRecord[]; applyDurable: () => void } {
    const tombstones: OffsetCommitRecord[] = [];
    for (const [topic, partitions] of this.offsets.get(groupId) ?? []) {
      for (const partition of partitions.keys()) tombstones.push({ type: "offset-commit", groupId, topic, partition, value: null });
    }
    const position = this.writes++;
    return { tombstones, applyDurable: () => tombstones.forEach((tombstone) => this.apply(tombstone, position)) };
  }

  // ------------------------------------------------------------- persistence

  /** Applies a commit (or tombstone) read back from the offsets topic, in log order. */
  replayOffsetCommit(record: OffsetCommitRecord): void {
    if (record.value !== null && !this.deps.membership.groups.has(record.groupId)) this.deps.membership.createGroup(record.groupId);
    this.apply(record, this.writes++);
  }

  private apply(record: OffsetCommitRecord, position: number): void {
    const { groupId, topic, partition, value } = record;
    let byTopic = this.offsets.get(groupId);
    const current = byTopic?.get(topic)?.get(partition);
    if (current && current.appliedAt > position) return;
    if (value === null) {
      if (!current || !byTopic) return;
      const byPartition = byTopic.get(topic);
      byPartition?.delete(partition);
      if (byPartition?.size === 0) byTopic.delete(topic);
      if (byTopic.size === 0) this.offsets.delete(groupId);
      return;
    }
    if (!byTopic) {
      byTopic = new Map();
      this.offsets.set(groupId, byTopic);
    }
    let byPartition = byTopic.get(topic);
    if (!byPartition) {
      byPartition = new Map();
      byTopic.set(topic, byPartition);
    }
    byPartition.set(partition, { ...value, appliedAt: position });
  }
}

/**
 * Kafka's rules: an empty group takes commits with generation -1 from anyone; otherwise the member
 * must be known, its instance id must match, and its generation must be the group's.
 */
function validateOffsetCommit(group: ClassicGroup, memberId: string, groupInstanceId: string | null, generationId: number): number {
  if (group.is("Dead")) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  if (generationId < 0 && group.is("Empty")) return ErrorCode.NONE;
  if (generationId >= 0 || memberId !== "" || groupInstanceId !== null) {
    const memberError = group.validateMember(memberId, groupInstanceId);
    if (memberError !== ErrorCode.NONE) return memberError;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
  } else if (!group.is("Empty")) {
    return ErrorCode.UNKNOWN_MEMBER_ID;
  }
  // The member has its new generation but not its assignment yet: let it finish the rebalance first.
  if (group.is("CompletingRebalance")) return ErrorCode.REBALANCE_IN_PROGRESS;
  return ErrorCode.NONE;
}

function commitResponse(
  request: OffsetCommitRequest,
  errorFor: (topic: string, partition: OffsetCommitRequestPartition) => number,
): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(
        (partition): OffsetCommitResponsePartition => ({ partitionIndex: partition.partitionIndex, errorCode: errorFor(topic.name, partition) }),
      ),
    })),
  };
}

function fetched(stored: StoredOffset) {
  return {
    committedOffset: stored.offset,
    committedLeaderEpoch: stored.leaderEpoch,
    metadata: stored.metadata,
    errorCode: ErrorCode.NONE,
  };
}
