// What DescribeGroups and ListGroups show of a group, with Kafka's state names ("Stable",
// "PreparingRebalance", ...) as kafka-consumer-groups prints them.
import { EMPTY_BYTES, metadataFor, type ClassicGroup } from "./classic-group.ts";
import { ErrorCode } from "./error-codes.ts";
import type { DescribedGroup, ListedGroup, ListGroupsRequest } from "./messages.ts";

/** Kafka's "no authorized operations requested" marker in DescribeGroups. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
const CLASSIC_GROUP_TYPE = "classic";

/** A group that does not exist is described as Dead; member metadata and assignments only when Stable. */
export function describeGroup(groupId: string, group: ClassicGroup | undefined): DescribedGroup {
  const stable = group?.is("Stable") ?? false;
  return {
    errorCode: ErrorCode.NONE,
    groupId,
    groupState: group?.state ?? "Dead",
    protocolType: group?.protocolType ?? "",
    protocolData: stable ? (group?.protocolName ?? "") : "",
    members: [...(group?.members.values() ?? [])].map((member) => ({
      memberId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      clientId: member.clientId,
      clientHost: member.clientHost,
      memberMetadata: stable ? metadataFor(member, group?.protocolName ?? null) : EMPTY_BYTES,
      memberAssignment: stable ? member.assignment : EMPTY_BYTES,
    })),
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

/** State and type filters match case-insensitively; every group here is a classic group. */
export function listGroups(groups: Iterable<ClassicGroup>, request: ListGroupsRequest): ListedGroup[] {
  const states = new Set((request.statesFilter ?? []).map((state) => state.trim().toLowerCase()));
  const types = new Set((request.typesFilter ?? []).map((type) => type.trim().toLowerCase()));
  if (types.size > 0 && !types.has(CLASSIC_GROUP_TYPE)) return [];
  return [...groups]
    .filter((group) => states.size === 0 || states.has(group.state.toLowerCase()))
    .map((group) => ({
      groupId: group.groupId,
      protocolType: group.protocolType ?? "",
      groupState: group.state,
      groupType: CLASSIC_GROUP_TYPE,
    }));
}
