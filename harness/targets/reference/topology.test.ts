// Reference cluster plans: a cluster of one needs no quorum; combined nodes are voters on the ports
// after the client ports; the split topology numbers dedicated controllers from 1001.
import { describe, expect, it } from "vitest";
import { CouldNotRunError } from "../../errors.ts";
import { placeInNamespaces, planReferenceCluster } from "./topology.ts";

describe("planReferenceCluster", () => {
  it("one node alone is broker and controller without a quorum", () => {
    const plan = planReferenceCluster({ brokers: 1, basePort: 20000 });
    expect(plan.nodes).toEqual([{ nodeId: 1, roles: ["broker", "controller"], clientPort: 20000 }]);
    expect(plan.voters).toBeUndefined();
    expect(plan.bootstrap).toEqual(["127.0.0.1:20000"]);
  });

  it("combined nodes vote on the controller ports after the client ports", () => {
    const plan = planReferenceCluster({ brokers: 3, basePort: 20000 });
    expect(plan.nodes.map((n) => [n.nodeId, n.roles.join(","), n.clientPort, n.controllerPort])).toEqual([
      [1, "broker,controller", 20000, 20003],
      [2, "broker,controller", 20001, 20004],
      [3, "broker,controller", 20002, 20005],
    ]);
    expect(plan.voters).toBe("1@127.0.0.1:20003,2@127.0.0.1:20004,3@127.0.0.1:20005");
    expect(plan.ports.map((p) => p.port)).toEqual([20000, 20001, 20002, 20003, 20004, 20005]);
  });

  it("the split topology has dedicated controllers 1001.. beside brokers 1..N", () => {
    const plan = planReferenceCluster({ brokers: 3, controllers: 3, basePort: 20000 });
    expect(plan.nodes.map((n) => [n.nodeId, n.roles.join(","), n.clientPort, n.controllerPort])).toEqual([
      [1, "broker", 20000, undefined],
      [2, "broker", 20001, undefined],
      [3, "broker", 20002, undefined],
      [1001, "controller", undefined, 20003],
      [1002, "controller", undefined, 20004],
      [1003, "controller", undefined, 20005],
    ]);
    expect(plan.voters).toBe("1001@127.0.0.1:20003,1002@127.0.0.1:20004,1003@127.0.0.1:20005");
    expect(plan.bootstrap).toHaveLength(3);
  });

  it("refuses counts and ports out of range", () => {
    expect(() => planReferenceCluster({ brokers: 0, basePort: 20000 })).toThrow(CouldNotRunError);
    expect(() => planReferenceCluster({ brokers: 3, controllers: 10, basePort: 20000 })).toThrow(CouldNotRunError);
    expect(() => planReferenceCluster({ brokers: 3, basePort: 32765 })).toThrow(CouldNotRunError);
  });

  it("in namespaces, the quorum votes on the namespace addresses and the brokers keep their 127.0.0.1 bootstrap", () => {
    const plan = planReferenceCluster({ brokers: 3, basePort: 20000 });
    const placed = placeInNamespaces(plan, new Map([[1, "10.213.5.1"], [2, "10.213.5.2"], [3, "10.213.5.3"]]));
    expect(placed.voters).toBe("1@10.213.5.1:20003,2@10.213.5.2:20004,3@10.213.5.3:20005");
    expect(placed.bootstrap).toEqual(plan.bootstrap);
    expect(placed.nodes.map((n) => n.clientPort)).toEqual([20000, 20001, 20002]);
  });

  it("a cluster of one stays without a quorum in its namespace", () => {
    const placed = placeInNamespaces(planReferenceCluster({ brokers: 1, basePort: 20000 }), new Map([[1, "10.213.5.1"]]));
    expect(placed.voters).toBeUndefined();
  });
});
