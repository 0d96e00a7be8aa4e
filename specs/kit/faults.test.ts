// How many brokers a destructive spec may take down while the controller quorum keeps a majority,
// and when a spec that needs a failover cannot run.
import { describe, expect, it } from "vitest";
import type { Cluster, ClusterNode, NodeRole } from "../../harness/targets/target.ts";
import { specTargetOf } from "../spec.ts";
import { brokersThatMayFail, needsFailover } from "./faults.ts";

const node = (nodeId: number, roles: NodeRole[]): ClusterNode => ({ nodeId, roles }) as unknown as ClusterNode;
const cluster = (nodes: ClusterNode[]): Cluster => ({ target: "reference", bootstrap: [], nodes, owned: true, security: {}, stop: async () => undefined });

describe("brokersThatMayFail", () => {
  it("spares a majority of combined broker+controller nodes", () => {
    const combined = [1, 2, 3].map((id) => node(id, ["broker", "controller"]));
    expect(brokersThatMayFail(specTargetOf(cluster(combined)))).toBe(1);
    const five = [1, 2, 3, 4, 5].map((id) => node(id, ["broker", "controller"]));
    expect(brokersThatMayFail(specTargetOf(cluster(five)))).toBe(2);
  });

  it("lets every broker go beside dedicated controllers", () => {
    const split = [...[1, 2, 3].map((id) => node(id, ["broker"])), ...[1001, 1002, 1003].map((id) => node(id, ["controller"]))];
    expect(brokersThatMayFail(specTargetOf(cluster(split)))).toBe(3);
  });
});

describe("needsFailover", () => {
  it("refuses two combined nodes, whose quorum dies with either, and clusters kconform did not start", () => {
    const two = [1, 2].map((id) => node(id, ["broker", "controller"]));
    expect(needsFailover(specTargetOf(cluster(two)), 2, "a spec")).toMatch(/would lose its majority/);
    expect(needsFailover(specTargetOf({ ...cluster(two), owned: false }), 2, "a spec")).toMatch(/not a cluster kconform started/);
    const three = [1, 2, 3].map((id) => node(id, ["broker", "controller"]));
    expect(needsFailover(specTargetOf(cluster(three)), 3, "a spec")).toBeUndefined();
  });
});
