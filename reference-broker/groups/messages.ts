// Request and response shapes of the group APIs, field for field as in Kafka's JSON message
// definitions (lowerCamelCase), so API handlers pass decoded requests through and encode the
// responses as they come. Fields a version lacks are optional on requests; responses carry every
// field and the codec writes those of the version in use. Like the generated codec types, int64
// is bigint and bytes are Buffers.

/** Who sent the request: its API version decides version-dependent behaviour. */
export interface GroupRequestContext {
  apiVersion: number;
  clientId: string;
  /** As Kafka reports it in DescribeGroups: the client address with a leading "/", e.g. "/127.0.0.1". */
  clientHost: string;
}

export interface JoinGroupRequestProtocol {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v1+; v0 uses the session timeout, as Kafka does. */
  rebalanceTimeoutMs?: number;
  memberId: string;
  groupInstanceId?: string | null;
  protocolType: string;
  protocols: readonly JoinGroupRequestProtocol[];
  reason?: string | null;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  /** Never null below v7, where the field is not nullable. */
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  memberId: string;
  members: JoinGroupResponseMember[];
}

export interface SyncGroupRequestAssignment {
  memberId: string;
  assignment: Buffer;
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  protocolType?: string | null;
  protocolName?: string | null;
  assignments: readonly SyncGroupRequestAssignment[];
}

export interface SyncGroupResponse {
  throttleTimeMs: number;
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export interface HeartbeatResponse {
  throttleTimeMs: number;
  errorCode: number;
}

export interface LeaveGroupMemberIdentity {
  memberId: string;
  groupInstanceId?: string | null;
  reason?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0–2. */
  memberId?: string;
  /** v3+. */
  members?: readonly LeaveGroupMemberIdentity[];
}

export interface LeaveGroupMemberResponse {
  memberId: string;
  groupInstanceId: string | null;
  errorCode: number;
}

export interface LeaveGroupResponse {
  throttleTimeMs: number;
  /** Below v3, the error of the single leaving member. */
  errorCode: number;
  members: LeaveGroupMemberResponse[];
}

export interface OffsetCommitRequestPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch?: number;
  committedMetadata: string | null;
}

export interface OffsetCommitRequestTopic {
  name: string;
  partitions: readonly OffsetCommitRequestPartition[];
}

export interface OffsetCommitRequest {
  groupId: string;
  generationIdOrMemberEpoch?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  retentionTimeMs?: bigint;
  topics: readonly OffsetCommitRequestTopic[];
}

export interface OffsetCommitResponsePartition {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitResponseTopic {
  name: string;
  partitions: OffsetCommitResponsePartition[];
}

export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: OffsetCommitResponseTopic[];
}

export interface OffsetFetchRequestTopic {
  name: string;
  partitionIndexes: readonly number[];
}

export interface OffsetFetchRequestGroup {
  groupId: string;
  memberId?: string | null;
  memberEpoch?: number;
  /** null asks for every committed partition of the group. */
  topics: readonly OffsetFetchRequestTopic[] | null;
}

export interface OffsetFetchRequest {
  /** v0–7. */
  groupId?: string;
  /** v0–7; nullable from v2. */
  topics?: readonly OffsetFetchRequestTopic[] | null;
  /** v8+. */
  groups?: readonly OffsetFetchRequestGroup[];
  requireStable?: boolean;
}

export interface OffsetFetchResponsePartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponseTopic {
  name: string;
  partitions: OffsetFetchResponsePartition[];
}

export interface OffsetFetchResponseGroup {
  groupId: string;
  topics: OffsetFetchResponseTopic[];
  errorCode: number;
}

export interface OffsetFetchResponse {
  throttleTimeMs: number;
  /** v0–7. */
  topics: OffsetFetchResponseTopic[];
  /** v2–7. */
  errorCode: number;
  /** v8+. */
  groups: OffsetFetchResponseGroup[];
}

export interface OffsetDeleteRequestTopic {
  name: string;
  partitions: readonly { partitionIndex: number }[];
}

export interface OffsetDeleteRequest {
  groupId: string;
  topics: readonly OffsetDeleteRequestTopic[];
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface DescribedGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedGroupMember[];
  authorizedOperations: number;
}

export interface DescribeGroupsResponse {
  throttleTimeMs: number;
  groups: DescribedGroup[];
}

export interface ListGroupsRequest {
  statesFilter?: readonly string[];
  typesFilter?: readonly string[];
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export interface ListGroupsResponse {
  throttleTimeMs: number;
  errorCode: number;
  groups: ListedGroup[];
}
