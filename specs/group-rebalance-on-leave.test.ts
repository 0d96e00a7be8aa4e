// The rebalance check on doctored evidence: the departed member's partitions must all move to
// exactly one remaining member each, in a newer generation the departed member is not part of.
import { describe, expect, it } from "vitest";
import { rebalanceViolations, type RebalanceEvidence } from "./group-rebalance-on-leave.ts";
import type { GenerationAssignment } from "./kit/groups.ts";

const a = (member: string, generationId: number, partitions: number[]): GenerationAssignment => ({ member, memberId: `id-${member}`, generationId, partitions });

function evidence(after: GenerationAssignment[] | undefined, how: RebalanceEvidence["how"] = "leave"): RebalanceEvidence {
  return {
    partitions: 4,
    departed: "m1",
    how,
    before: { generationId: 3, assignments: [a("m0", 3, [0, 2]), a("m1", 3, [1, 3])] },
    after: after === undefined ? undefined : { generationId: after[0].generationId, assignments: after, view: { state: "Stable", members: after.map(({ memberId, partitions }) => ({ memberId, partitions })) } },
    ...(after === undefined ? { unsettled: "members' latest generations m0:3" } : {}),
    waitedMs: 9_000,
  };
}

describe("rebalanceViolations", () => {
  it("accepts the departed member's partitions moving to the remaining member", () => {
    expect(rebalanceViolations(evidence([a("m0", 4, [0, 1, 2, 3])]))).toEqual([]);
  });

  it("reports a group that never rebalanced", () => {
    expect(rebalanceViolations(evidence(undefined, "silence"))).toEqual([
      "m1 stopped heartbeating in generation 3 and the remaining members did not settle in a new generation within 9000 ms (members' latest generations m0:3)",
    ]);
  });

  it("reports partitions left behind, and a departed member still in the new generation", () => {
    const violations = rebalanceViolations(evidence([a("m0", 4, [0, 2]), a("m1", 4, [1])]));
    expect(violations).toContain("m1 left the group but the coordinator still lists it in generation 4");
    expect(violations).toContain("m1 left the group but received an assignment in generation 4");
    expect(violations).toContain("partition 3 of m1, which left the group, is owned by no remaining member in generation 4");
  });

  it("reports a moved partition owned twice", () => {
    expect(rebalanceViolations(evidence([a("m0", 4, [0, 1, 2, 3]), a("m2", 4, [3])]))).toEqual(["partition 3 of m1, which left the group, is owned by m0 and m2 in generation 4"]);
  });
});
