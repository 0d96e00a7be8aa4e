// Port and role plans of Kafka clusters: contiguous, collision-free, below the ephemeral range.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CouldNotRunError } from "../../errors.ts";
import { MAX_PORT } from "../../proc/ports.ts";
import { CONTROLLER_ID_BASE, MAX_NODES, placeInNamespaces, planKafkaCluster, portsNeeded, type TopologyRequest } from "./topology.ts";

describe("planKafkaCluster", () => {
  it("puts the proxies first, so bootstrap is basePort.. and the brokers listen behind them", () => {
    const plan = planKafkaCluster({ brokers: 3, basePort: 20000, proxied: true });
    expect(plan.bootstrap).toEqual(["127.0.0.1:20000", "127.0.0.1:20001", "127.0.0.1:20002"]);
    expect(plan.nodes.map((n) => [n.nodeId, n.roles, n.ports])).toEqual([
      [1, ["broker", "controller"], { advertised: 20000, client: 20003, internal: 20006, controller: 20009 }],
      [2, ["broker", "controller"], { advertised: 20001, client: 20004, internal: 20007, controller: 20010 }],
      [3, ["broker", "controller"], { advertised: 20002, client: 20005, internal: 20008, controller: 20011 }],
    ]);
    expect(plan.toxiproxyPort).toBe(20012);
    expect(plan.quorumVoters).toBe("1@127.0.0.1:20009,2@127.0.0.1:20010,3@127.0.0.1:20011");
  });

  it("without proxies, clients are told the brokers' own ports", () => {
    const plan = planKafkaCluster({ brokers: 2, basePort: 20000, proxied: false });
    expect(plan.nodes.map((n) => n.ports)).toEqual([
      { advertised: 20000, client: 20000, internal: 20002, controller: 20004 },
      { advertised: 20001, client: 20001, internal: 20003, controller: 20005 },
    ]);
    expect(plan.toxiproxyPort).toBeUndefined();
  });

  it("split topology: brokers keep ids 1..N, dedicated controllers alone form the quorum", () => {
    const plan = planKafkaCluster({ brokers: 2, controllers: 3, basePort: 20000, proxied: true });
    const controllers = plan.nodes.filter((n) => n.roles.includes("controller"));
    expect(plan.nodes.filter((n) => n.roles.includes("broker")).map((n) => n.nodeId)).toEqual([1, 2]);
    expect(controllers.map((n) => [n.nodeId, n.roles])).toEqual([1, 2, 3].map((j) => [CONTROLLER_ID_BASE + j, ["controller"]]));
    expect(plan.quorumVoters.split(",").map((v) => v.split("@")[0])).toEqual(["1001", "1002", "1003"]);
    expect(plan.nodes.filter((n) => n.roles.includes("broker")).every((n) => n.ports.controller === undefined)).toBe(true);
  });

  it("uses exactly portsNeeded consecutive ports, each once, for any topology", () => {
    const request = fc.record({
      brokers: fc.integer({ min: 1, max: MAX_NODES }),
      controllers: fc.option(fc.integer({ min: 1, max: MAX_NODES }), { nil: undefined }),
      proxied: fc.boolean(),
      basePort: fc.integer({ min: 1024, max: MAX_PORT - 40 }),
    });
    fc.assert(
      fc.property(request, (raw) => {
        const r: TopologyRequest = { brokers: raw.brokers, basePort: raw.basePort, proxied: raw.proxied, ...(raw.controllers !== undefined ? { controllers: raw.controllers } : {}) };
        const plan = planKafkaCluster(r);
        const ports = plan.ports.map((use) => use.port);
        expect(ports).toEqual(Array.from({ length: portsNeeded(r) }, (_, i) => r.basePort + i));
        expect(plan.bootstrap).toHaveLength(r.brokers);
        expect(plan.quorumVoters.split(",")).toHaveLength(r.controllers ?? r.brokers);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses ports that reach into the ephemeral range, naming the largest usable --port", () => {
    const attempt = () => planKafkaCluster({ brokers: 3, basePort: 32760, proxied: true });
    expect(attempt).toThrow(CouldNotRunError);
    expect(attempt).toThrow(/choose a --port of at most 32755/);
  });

  it("refuses impossible node counts", () => {
    expect(() => planKafkaCluster({ brokers: 0, basePort: 20000, proxied: true })).toThrow(/--nodes must be an integer/);
    expect(() => planKafkaCluster({ brokers: 3, controllers: 0, basePort: 20000, proxied: true })).toThrow(/--controllers must be an integer/);
  });

  it("in namespaces, the quorum votes on the nodes' namespace addresses and the client side keeps 127.0.0.1", () => {
    const plan = planKafkaCluster({ brokers: 2, controllers: 1, basePort: 20000, proxied: true });
    const addresses = new Map([[1, "10.213.5.1"], [2, "10.213.5.2"], [1001, "10.213.5.3"]]);
    const placed = placeInNamespaces(plan, addresses);
    expect(placed.nodes.map((n) => [n.nodeId, n.peerHost])).toEqual([[1, "10.213.5.1"], [2, "10.213.5.2"], [1001, "10.213.5.3"]]);
    expect(placed.quorumVoters).toBe(`1001@10.213.5.3:${plan.nodes[2].ports.controller}`);
    expect(placed.bootstrap).toEqual(plan.bootstrap);
    expect(placed.nodes.map((n) => n.ports)).toEqual(plan.nodes.map((n) => n.ports));
  });

  it("refuses to place a node that has no namespace address", () => {
    const plan = planKafkaCluster({ brokers: 3, basePort: 20000, proxied: true });
    expect(() => placeInNamespaces(plan, new Map([[1, "10.213.5.1"], [2, "10.213.5.2"]]))).toThrow(/kafka node 3 has no network namespace address/);
  });
});
