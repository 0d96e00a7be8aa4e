// The ownership check on doctored evidence: a clean round-robin generation passes; a partition
// given to two members in one generation, an orphaned partition, an extra member that is not idle,
// or a coordinator that describes a member differently than the member was told each fail.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ownershipViolations, type OwnershipEvidence } from "./group-exclusive-ownership.ts";
import type { GenerationAssignment } from "./kit/groups.ts";

function roundRobin(members: number, partitions: number, generationId: number): GenerationAssignment[] {
  return Array.from({ length: members }, (_, m) => ({
    member: `m${m}`,
    memberId: `id-${m}`,
    generationId,
    partitions: Array.from({ length: partitions }, (_, p) => p).filter((p) => p % members === m),
  }));
}

function evidence(assignments: GenerationAssignment[], partitions: number, earlier: GenerationAssignment[] = []): OwnershipEvidence {
  const generationId = assignments[0].generationId;
  return {
    partitions,
    assignments: [...earlier, ...assignments],
    settled: { generationId, assignments, view: { state: "Stable", members: assignments.map(({ memberId, partitions }) => ({ memberId, partitions })) } },
  };
}

describe("ownershipViolations", () => {
  it("accepts any round-robin generation, extra members idle", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (members, partitions) => {
        expect(ownershipViolations(evidence(roundRobin(members, partitions, 3), partitions, roundRobin(1, partitions, 2)))).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it("reports a partition owned by two members in one generation", () => {
    const settled = roundRobin(2, 2, 5);
    const earlier = [...roundRobin(2, 2, 4), { member: "m1", memberId: "id-1", generationId: 4, partitions: [0] }];
    expect(ownershipViolations(evidence(settled, 2, earlier))).toEqual(["partition 0 was assigned to both m0 and m1 in generation 4"]);
  });

  it("reports a member beyond the partition count that is not idle, and the partition it leaves unowned", () => {
    const settled = roundRobin(3, 2, 2);
    settled[1].partitions = [];
    settled[2].partitions = [0];
    expect(ownershipViolations(evidence(settled, 2))).toEqual(["partition 0 was assigned to both m0 and m2 in generation 2", "partition 1 is owned by no member in the settled generation 2"]);
  });

  it("reports a member the coordinator describes with other partitions than it received", () => {
    const doctored = evidence(roundRobin(2, 4, 1), 4);
    doctored.settled.view.members[1].partitions = [3];
    expect(ownershipViolations(doctored)).toEqual(["m1 received partitions [1,3] in generation 1, but the coordinator describes it with [3]"]);
  });
});
