// A kafkajs partition assigner that gives every member exactly the partitions it was told to
// consume: with a private one-member group, this is the `assign` kafkajs does not offer.
import { AssignerProtocol, type PartitionAssigner } from "kafkajs";
import type { PartitionName } from "../../history/types.ts";
import { parsePartitionName } from "../workload-client.ts";

export const FIXED_ASSIGNER = "KconformFixed";

/** Topic to its partitions, from "topic-partition" names (bare topic names are ignored). */
export function partitionsByTopic(partitions: readonly PartitionName[]): Record<string, number[]> {
  const byTopic: Record<string, number[]> = {};
  for (const name of partitions) {
    const parsed = parsePartitionName(name);
    if (parsed !== undefined) (byTopic[parsed.topic] ??= []).push(parsed.partition);
  }
  for (const list of Object.values(byTopic)) list.sort((a, b) => a - b);
  return byTopic;
}

export function fixedAssigner(partitions: readonly PartitionName[]): PartitionAssigner {
  const assignment = partitionsByTopic(partitions);
  return () => ({
    name: FIXED_ASSIGNER,
    version: 0,
    async assign({ members }) {
      return members.map((member) => ({
        memberId: member.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name: FIXED_ASSIGNER, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) };
    },
  });
}
