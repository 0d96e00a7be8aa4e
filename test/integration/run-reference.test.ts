// End to end against the reference broker (3 nodes, each behind a Toxiproxy the harness runs in
// front of its client port), with the same scenarios and kafkajs workers as real Kafka: the safe
// configuration stays valid through a leader kill and client-link faults, and acks=1 with the
// leader killed while its followers lag shows lost-write — as the documentation predicts.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaJsClients } from "../../harness/clients/kafkajs/factory.ts";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { startClientProxies, type ClientProxies } from "../../harness/run/client-proxies.ts";
import { runEnvironment } from "../../harness/run/environment.ts";
import type { RunEnvironment } from "../../harness/run/execute.ts";
import { runScenario } from "../../harness/run/run-scenario.ts";
import type { Scenario } from "../../harness/run/scenario.ts";
import { startReferenceCluster, type ReferenceCluster } from "../../harness/targets/reference/cluster.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";
import { safeClientBlackhole } from "../../scenarios/safe-client-blackhole.ts";
import { safeLeaderKill } from "../../scenarios/safe-leader-kill.ts";
import { singleNodeLinkFaults } from "../../scenarios/single-node-link-faults.ts";
import { strictAcks1LeaderKill } from "../../scenarios/strict-acks1-leader-kill.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const TIME_LIMIT_MS = 15_000;
const SCENARIO_TIMEOUT_MS = 120_000;

describe("chaos scenarios against the reference broker", () => {
  let cluster: ReferenceCluster;
  let proxies: ClientProxies;
  let env: RunEnvironment;
  const runDir = keepRunDirOnFailure("kconform-run-reference-");
  let outDir: string;

  beforeAll(async () => {
    outDir = runDir.create();
    const basePort = await findFreePortBlock(referencePortsNeeded({ brokers: 3 }));
    cluster = await startReferenceCluster({ nodes: 3, basePort, runDir: join(outDir, "cluster") });
    proxies = await startClientProxies(
      cluster.brokers().flatMap((node) => (node.clientAddress !== undefined ? [{ nodeId: node.nodeId, address: node.clientAddress }] : [])),
      { runDir: join(outDir, "cluster") },
    );
    env = runEnvironment(cluster, { clients: kafkaJsClients, clientProxies: proxies, say: () => undefined });
  });

  afterAll(async () => {
    await proxies?.stop();
    await cluster?.stop({ graceful: false });
    runDir.cleanUp();
  });

  const run = (scenario: Scenario, seed: number, timeLimitMs = TIME_LIMIT_MS) => runScenario(env, scenario, { seed, timeLimitMs, shrinkTimeMs: 0, outDir, brokers: 3 });

  for (const [scenario, seed, fault] of [
    [safeLeaderKill, 21, "kill"],
    [safeClientBlackhole, 22, "blackhole"],
    [singleNodeLinkFaults, 23, undefined],
  ] as const) {
    it(`${scenario.name}: valid`, { timeout: SCENARIO_TIMEOUT_MS }, async () => {
      const result = await run(scenario, seed);
      expect(result.check["unknown-reasons"]).toEqual([]);
      expect(result.check["anomaly-types"]).toEqual([]);
      expect(result.status).toBe("passed");
      expect(result.faults.length).toBeGreaterThan(0);
      if (fault !== undefined) expect(result.faults[0].fault).toBe(fault);
      expect(result.faults.every((window) => window.endNs !== undefined)).toBe(true);
    });
  }

  it("acks=1 with the leader killed while its followers lag: lost-write, with evidence", { timeout: SCENARIO_TIMEOUT_MS }, async () => {
    // Its schedule needs room: followers lag, the leader dies, and the run settles before it ends.
    const result = await run(strictAcks1LeaderKill, 24, 20_000);
    expect(result.status).toBe("failed");
    const lost = result.check.anomalies["lost-write"] ?? [];
    expect(lost.length).toBeGreaterThan(0);
    expect(lost[0].explanation).toMatch(/acknowledged at offset \d+, but no poll ever returned it/);
  });
});
