// The nemesis's view of a cluster it started includes the dedicated controllers, so a partition
// that isolates a leader cuts it off from the quorum too; a cluster it only attached to keeps the
// brokers' own view.
import { describe, expect, it } from "vitest";
import type { ClusterNode } from "../targets/target.ts";
import { withOwnedNodes, type ClusterView } from "./cluster-view.ts";

const VIEW: ClusterView = { brokers: [1, 2, 3], nodes: [1, 2, 3], leaders: { 0: 2 }, replicas: { 0: [2, 1, 3] }, isr: { 0: [2, 1, 3] } };
const nodes = (ids: number[]) => ids.map((nodeId) => ({ nodeId }) as ClusterNode);

describe("withOwnedNodes", () => {
  it("adds the dedicated controllers of a cluster the harness started, brokers unchanged", () => {
    const view = withOwnedNodes(VIEW, { owned: true, nodes: nodes([1, 2, 3, 1001, 1002, 1003]) });
    expect(view.nodes).toEqual([1, 2, 3, 1001, 1002, 1003]);
    expect(view.brokers).toEqual([1, 2, 3]);
    expect(view.leaders).toEqual(VIEW.leaders);
  });

  it("leaves an attached cluster's view as its brokers gave it", () => {
    expect(withOwnedNodes(VIEW, { owned: false, nodes: nodes([1, 2, 3, 1001]) })).toBe(VIEW);
  });
});
