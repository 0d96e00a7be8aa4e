// A group's generation and members as the GroupMetadata record of the offsets topic, and back:
// written when a generation gets its assignment, replayed when a coordinator loads the partition.
import { ClassicGroup, EMPTY_BYTES, metadataFor } from "./classic-group.ts";
import type { GroupMetadataRecord, GroupMetadataValue } from "./records.ts";

/** Each member is stored with its metadata for the selected protocol and its assignment. */
export function groupMetadataRecord(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): GroupMetadataRecord {
  return {
    type: "group-metadata",
    groupId: group.groupId,
    value: {
      protocolType: group.protocolType ?? "",
      generation: group.generationId,
      protocol: group.protocolName,
      leader: group.leaderId,
      currentStateTimestamp: group.currentStateTimestamp,
      members: [...group.members.values()].map((member) => ({
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        rebalanceTimeout: member.rebalanceTimeoutMs,
        sessionTimeout: member.sessionTimeoutMs,
        subscription: metadataFor(member, group.protocolName),
        assignment: assignment.get(member.memberId) ?? EMPTY_BYTES,
      })),
    },
  };
}

/** A loaded group is Stable with its members (who must heartbeat again), or Empty. */
export function groupFromRecord(groupId: string, value: GroupMetadataValue): ClassicGroup {
  const group = new ClassicGroup(groupId, value.members.length > 0 ? "Stable" : "Empty", value.currentStateTimestamp);
  group.generationId = value.generation;
  group.protocolType = value.protocolType === "" ? null : value.protocolType;
  group.protocolName = value.protocol;
  for (const loaded of value.members) {
    group.add({
      memberId: loaded.memberId,
      groupInstanceId: loaded.groupInstanceId,
      clientId: loaded.clientId,
      clientHost: loaded.clientHost,
      rebalanceTimeoutMs: loaded.rebalanceTimeout === -1 ? loaded.sessionTimeout : loaded.rebalanceTimeout,
      sessionTimeoutMs: loaded.sessionTimeout,
      protocolType: value.protocolType,
      supportedProtocols: [{ name: value.protocol ?? "", metadata: loaded.subscription }],
      assignment: loaded.assignment,
      awaitingJoin: undefined,
      awaitingSync: undefined,
      isNew: false,
    });
  }
  group.leaderId = value.leader;
  group.subscribedTopics = group.computeSubscribedTopics();
  return group;
}
