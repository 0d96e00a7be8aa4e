// What a consumer reports about ownership: eager rebalances revoke what it owned and assign the
// new generation's partitions; assign consumers report moves without generations.
import { describe, expect, it } from "vitest";
import { Membership } from "./membership.ts";

describe("Membership", () => {
  it("reports each join as revoked-then-assigned with the generation, once", () => {
    const group = new Membership(true);
    group.joined(["t-1", "t-0"], 4);
    expect(group.take()).toEqual({ rebalance: [{ type: "assigned", partitions: ["t-0", "t-1"], generation: 4 }], generation: 4 });
    expect(group.take()).toEqual({ generation: 4 });
    group.joined(["t-2"], 5);
    expect(group.owns("t-2")).toBe(true);
    expect(group.owns("t-0")).toBe(false);
    expect(group.take()).toEqual({
      rebalance: [
        { type: "revoked", partitions: ["t-0", "t-1"] },
        { type: "assigned", partitions: ["t-2"], generation: 5 },
      ],
      generation: 5,
    });
  });

  it("revokes everything when the member leaves", () => {
    const group = new Membership(true);
    group.joined(["t-0"], 1);
    group.take();
    group.left();
    expect(group.take()).toEqual({ rebalance: [{ type: "revoked", partitions: ["t-0"] }] });
    expect(group.owns("t-0")).toBe(false);
  });

  it("gives assign consumers no generations: their private groups mean nothing to the history", () => {
    const assigned = new Membership(false);
    assigned.joined(["t-0"], 9);
    expect(assigned.take()).toEqual({ rebalance: [{ type: "assigned", partitions: ["t-0"] }] });
  });
});

describe("Membership positions", () => {
  it("commits what was polled of the partitions it owns, and forgets positions at every join and leave", () => {
    const group = new Membership(true);
    group.joined(["t-0", "t-1"], 1);
    group.polled("t-0", 41);
    group.polled("t-0", 40);
    group.polled("t-1", 7);
    expect(group.committable()).toEqual({ "t-0": 42, "t-1": 8 });
    // A rejoin: the client resumes from the group's committed offsets, so older positions must not be committed.
    group.joined(["t-0"], 2);
    expect(group.committable()).toEqual({});
    group.polled("t-0", 12);
    group.polled("t-9", 3);
    expect(group.committable()).toEqual({ "t-0": 13 });
    group.left();
    expect(group.committable()).toEqual({});
  });
});
