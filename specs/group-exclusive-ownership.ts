// Guarantee: within one generation of a consumer group each partition is owned by at most one
// member, every partition is owned by some member, and members beyond the partition count idle.
// Source: kafka-notes.md "Consumer" ("a partition is not shared by two members of a group; if N of
// consumers > N of partitions => some consumers will idle"); https://kafka.apache.org/documentation/#intro_consumers
import fc from "fast-check";
import { createTopic, deleteTopicQuietly } from "./kit/clients.ts";
import { GroupMember, leaveAll, setupStep, waitForSettledGeneration, type GenerationAssignment, type GroupView } from "./kit/groups.ts";
import type { Spec } from "./spec.ts";

export interface OwnershipEvidence {
  partitions: number;
  /** Every assignment any member received, in any generation. */
  assignments: readonly GenerationAssignment[];
  /** The generation all members settled in, and the coordinator's view of it. */
  settled: { generationId: number; assignments: readonly GenerationAssignment[]; view: GroupView };
}

/**
 * What breaks the guarantee in the evidence, one sentence each; empty when it holds. Pure. Members
 * beyond the partition count idle exactly when no partition has two owners, so runs with more
 * members than partitions check that through exclusivity.
 */
export function ownershipViolations(evidence: OwnershipEvidence): string[] {
  const violations: string[] = [];
  const owners = new Map<string, string>();
  for (const { member, generationId, partitions } of evidence.assignments) {
    for (const partition of partitions) {
      const key = `${generationId}/${partition}`;
      const owner = owners.get(key);
      if (owner === undefined) owners.set(key, member);
      else if (owner !== member) violations.push(`partition ${partition} was assigned to both ${owner} and ${member} in generation ${generationId}`);
    }
  }
  const { generationId, assignments, view } = evidence.settled;
  const owned = assignments.flatMap((assignment) => assignment.partitions);
  for (let partition = 0; partition < evidence.partitions; partition++) {
    if (!owned.includes(partition)) violations.push(`partition ${partition} is owned by no member in the settled generation ${generationId}`);
  }
  for (const { member, memberId, partitions } of assignments) {
    const described = view.members.find((candidate) => candidate.memberId === memberId)?.partitions;
    if (described === undefined || described.join(",") !== partitions.join(",")) {
      violations.push(`${member} received partitions [${partitions.join(",")}] in generation ${generationId}, but the coordinator describes it with [${described?.join(",") ?? "no membership"}]`);
    }
  }
  return violations;
}

const SETTLE_TIMEOUT_MS = 20_000;

export const groupExclusiveOwnership: Spec = {
  name: "group-exclusive-ownership",
  guarantee: "Within one generation of a consumer group each partition is owned by at most one member and by some member; members beyond the partition count idle.",
  source: 'kafka-notes.md "Consumer": "a partitions is not a shared by two members of a group ... if N of consumers > N of partitions => some consumers will idle"; https://kafka.apache.org/documentation/#intro_consumers',
  numRuns: 3,
  timeLimitMs: 25_000,
  property: (context) =>
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }).chain((partitions) =>
        fc.record({
          partitions: fc.constant(partitions),
          // Members joining one after another, after these pauses: each join is a new generation.
          joinDelaysMs: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 5 }),
        }),
      ),
      async ({ partitions, joinDelaysMs }) => {
        const topic = context.unique("topic");
        const groupId = context.unique("group");
        await createTopic(context.target, topic, { partitions });
        const members: GroupMember[] = [];
        try {
          for (const [i, delayMs] of joinDelaysMs.entries()) {
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            members.push(await setupStep(`member m${i} joining ${groupId}`, () => GroupMember.join(context.target, { name: `m${i}`, groupId, topic })));
          }
          const settled = await waitForSettledGeneration(context.target, members, { topic, timeoutMs: SETTLE_TIMEOUT_MS });
          if ("unsettled" in settled) throw new Error(`${members.length} members of ${groupId} on ${partitions} partition(s) never settled in one generation within ${SETTLE_TIMEOUT_MS} ms: ${settled.unsettled}`);
          context.say(`${members.length} member(s) on ${partitions} partition(s) settled in generation ${settled.generationId}`);
          const violations = ownershipViolations({ partitions, assignments: members.flatMap((member) => member.assignments), settled });
          if (violations.length > 0) throw new Error(`group ${groupId} (topic ${topic}): ${violations.join("; ")}`);
        } finally {
          await leaveAll(members);
          await deleteTopicQuietly(context.target, topic);
        }
      },
    ),
};
