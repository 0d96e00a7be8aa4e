// The matrix scenarios generated from the cells: names, configuration and allowed anomalies follow
// the cell and its prediction, every cell draws a runnable one-fault plan, and the cells that stop
// or wipe two brokers refuse clusters whose brokers carry the controller quorum.
import { describe, expect, it } from "vitest";
import { planFromSeed } from "../../harness/generator/seed.ts";
import { planArbitrary } from "../../harness/run/scenario.ts";
import type { Cluster, ClusterNode, NodeRole } from "../../harness/targets/target.ts";
import { DEFAULT_SCENARIOS, MATRIX_SCENARIOS, MATRIX_SUBSET, scenarioByName } from "../index.ts";
import { matrixKeys } from "./prediction.ts";
import { LAG_IN_ISR_MS, LAG_OUT_OF_ISR_MS, matrixScenario, matrixScenarioName } from "./scenario.ts";

const FAULT_PACKAGE = { "leader-kill": "lagging-leader-kill", "leader-isolation": "partition-isolate", "follower-pause": "pause", "n-1-loss": "lagging-majority-wipe" } as const;

function cluster(roles: NodeRole[][]): Cluster {
  const nodes = roles.map((r, i) => ({ nodeId: i + 1, roles: r }) as unknown as ClusterNode);
  return { target: "reference", bootstrap: [], nodes, owned: true, security: {}, stop: async () => undefined };
}
const combined = cluster([["broker", "controller"], ["broker", "controller"], ["broker", "controller"]]);
const split = cluster([["broker"], ["broker"], ["broker"], ["controller"], ["controller"], ["controller"]]);

describe("matrix scenarios", () => {
  it("are one per cell, named after it, and found by name", () => {
    expect(MATRIX_SCENARIOS).toHaveLength(60);
    expect(new Set(MATRIX_SCENARIOS.map((s) => s.name)).size).toBe(60);
    expect(matrixScenarioName({ acks: "1", minInsyncReplicas: 1, uncleanElection: false, fault: "leader-kill" })).toBe("matrix-acks1-minisr1-unclean-off-leader-kill");
    for (const scenario of MATRIX_SCENARIOS) expect(scenarioByName(scenario.name)).toBe(scenario);
    for (const cell of MATRIX_SUBSET) expect(DEFAULT_SCENARIOS).toContain(cell);
  });

  it("configure topic and producer as the cell says, and allow loss exactly where it is predicted", () => {
    for (const key of matrixKeys()) {
      const scenario = matrixScenario(key);
      expect(scenario.matrix).toMatchObject(key);
      expect(scenario.topic).toEqual({ partitions: 1, replicationFactor: 3, config: { "min.insync.replicas": String(key.minInsyncReplicas), "unclean.leader.election.enable": String(key.uncleanElection) } });
      expect(String(scenario.producer.acks)).toBe(key.acks);
      expect(scenario.producer.idempotent).toBe(key.acks === "all");
      const lossPossible = scenario.matrix?.predicted === "loss-possible";
      expect(scenario.allowed.includes("lost-write")).toBe(lossPossible);
      expect(scenario.allowed.includes("unseen")).toBe(lossPossible);
    }
  });

  it("draw a plan with the cell's one fault aimed at the partition, within the time limit", () => {
    for (const [i, key] of matrixKeys().entries()) {
      const scenario = matrixScenario(key);
      const plan = planFromSeed(planArbitrary(scenario, scenario.timeLimitMs), 1_000 + i);
      if (key.fault === "none") {
        expect(plan.schedule).toEqual([]);
        continue;
      }
      expect(plan.schedule).toHaveLength(1);
      const [fault] = plan.schedule;
      expect(fault.fault).toBe(FAULT_PACKAGE[key.fault]);
      expect(fault.atMs + fault.durationMs).toBeLessThanOrEqual(scenario.timeLimitMs - scenario.faults.quietTailMs);
      if (key.fault === "leader-kill") {
        const lagMs = key.acks === "all" && key.minInsyncReplicas === 1 ? LAG_OUT_OF_ISR_MS : LAG_IN_ISR_MS;
        expect(fault.params?.lagMs).toBe(lagMs);
        expect(fault.durationMs).toBeGreaterThan(lagMs);
      }
      // N-1 loss lags the followers only briefly, so they stay in the ISR and acks=all acknowledges nothing during it.
      if (key.fault === "n-1-loss") expect(fault.params?.lagMs).toBe(LAG_IN_ISR_MS);
    }
  });

  it("need dedicated controllers only where the fault takes two brokers away", () => {
    for (const key of matrixKeys()) {
      const scenario = matrixScenario(key);
      const needs = key.fault === "n-1-loss" || (key.fault === "leader-kill" && key.acks === "all" && key.minInsyncReplicas === 1);
      expect(scenario.unavailable?.(split)).toBeUndefined();
      if (needs) expect(scenario.unavailable?.(combined)).toMatch(/needs dedicated controllers/);
      else expect(scenario.unavailable).toBeUndefined();
    }
  });
});
