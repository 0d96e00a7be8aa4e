// Key cells of the guarantee matrix against real Apache Kafka 4.3.1 (3 brokers beside 3 dedicated
// controllers, so pausing or killing brokers leaves the KRaft quorum standing): the documented
// safe configuration stays clean through a leader kill, and the cells where the documentation
// allows loss — acks=1 under a leader kill, N-1 loss and (in network namespaces) leader isolation,
// and acks=all with min.insync.replicas=1 and unclean election — show it; acks=all with
// min.insync.replicas=2 survives N-1 replicas wiped.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaJsClients } from "../../harness/clients/kafkajs/factory.ts";
import { netnsSupport } from "../../harness/net/netns/support.ts";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { runEnvironment } from "../../harness/run/environment.ts";
import type { RunEnvironment } from "../../harness/run/execute.ts";
import { matrixCellOf } from "../../harness/run/matrix.ts";
import type { MatrixCell, MatrixCellKey, ScenarioResult } from "../../harness/run/result.ts";
import { runScenario } from "../../harness/run/run-scenario.ts";
import { startKafkaCluster, type KafkaCluster } from "../../harness/targets/kafka/cluster.ts";
import { portsNeeded } from "../../harness/targets/kafka/topology.ts";
import { matrixScenario } from "../../scenarios/matrix/scenario.ts";
import { titled } from "./kafka-helpers.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const CELL_TIMEOUT_MS = 180_000;
const namespaces = await netnsSupport();

describe("guarantee matrix against Apache Kafka 4.3.1", () => {
  let cluster: KafkaCluster;
  let env: RunEnvironment;
  const runDir = keepRunDirOnFailure("kconform-matrix-kafka-");
  let outDir: string;

  beforeAll(async () => {
    outDir = runDir.create();
    const basePort = await findFreePortBlock(portsNeeded({ brokers: 3, controllers: 3, basePort: 0, proxied: true }));
    // In network namespaces where this process may build them, so a leader can be isolated.
    cluster = await startKafkaCluster({ nodes: 3, controllers: 3, basePort, runDir: join(outDir, "cluster"), network: namespaces.ok ? "namespaces" : "loopback" });
    env = runEnvironment(cluster, { clients: kafkaJsClients, say: () => undefined });
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop({ graceful: false });
    runDir.cleanUp();
  });

  async function runCell(key: MatrixCellKey, seed: number): Promise<{ cell: MatrixCell; result: ScenarioResult }> {
    const scenario = matrixScenario(key);
    const result = await runScenario(env, scenario, { seed, shrinkTimeMs: 0, outDir, brokers: 3 });
    return { cell: matrixCellOf(scenario.matrix!, result), result };
  }

  it("acks=all, min.insync.replicas=2, unclean off, leader killed while followers lag: no loss, as promised", { timeout: CELL_TIMEOUT_MS }, async () => {
    const { cell, result } = await runCell({ acks: "all", minInsyncReplicas: 2, uncleanElection: false, fault: "leader-kill" }, 21);
    expect(result.faults[0]).toMatchObject({ fault: "lagging-leader-kill" });
    expect(result.check["anomaly-types"]).toEqual([]);
    expect(result.status).toBe("passed");
    expect(cell).toMatchObject({ predicted: "no-loss", observed: "no-loss", lostWrites: 0 });
  });

  it("acks=1, leader killed while followers lag: the loss acks=1 allows shows", { timeout: CELL_TIMEOUT_MS }, async () => {
    const { cell, result } = await runCell({ acks: "1", minInsyncReplicas: 1, uncleanElection: false, fault: "leader-kill" }, 22);
    expect(result.check["anomaly-types"]).toContain("lost-write");
    // Loss is allowed at this guarantee level: the cell passes while showing it.
    expect(result.status).toBe("passed");
    expect(cell).toMatchObject({ predicted: "loss-possible", observed: "loss" });
    expect(cell.lostWrites).toBeGreaterThan(0);
  });

  it("acks=all, min.insync.replicas=1, unclean election on, leader alone in the ISR killed: loss", { timeout: CELL_TIMEOUT_MS }, async () => {
    const { cell, result } = await runCell({ acks: "all", minInsyncReplicas: 1, uncleanElection: true, fault: "leader-kill" }, 23);
    expect(result.faults[0]).toMatchObject({ fault: "lagging-leader-kill", params: expect.objectContaining({ lagMs: 8_000 }) });
    expect(result.status).toBe("passed");
    expect(cell).toMatchObject({ predicted: "loss-possible", observed: "loss" });
    expect(cell.lostWrites).toBeGreaterThan(0);
  });

  it("acks=1, leader and a follower wiped while the followers lag (N-1 loss): the loss acks=1 allows shows", { timeout: CELL_TIMEOUT_MS }, async () => {
    const { cell, result } = await runCell({ acks: "1", minInsyncReplicas: 1, uncleanElection: false, fault: "n-1-loss" }, 24);
    expect(result.faults[0]).toMatchObject({ fault: "lagging-majority-wipe" });
    expect(result.status).toBe("passed");
    expect(cell).toMatchObject({ predicted: "loss-possible", observed: "loss" });
    expect(cell.lostWrites).toBeGreaterThan(0);
  });

  it("acks=all, min.insync.replicas=2, unclean off, the same N-1 loss: nothing acknowledged is lost", { timeout: CELL_TIMEOUT_MS }, async () => {
    const { cell, result } = await runCell({ acks: "all", minInsyncReplicas: 2, uncleanElection: false, fault: "n-1-loss" }, 25);
    expect(result.faults[0]).toMatchObject({ fault: "lagging-majority-wipe" });
    expect(result.check["anomaly-types"]).toEqual([]);
    expect(result.status).toBe("passed");
    expect(cell).toMatchObject({ predicted: "no-loss", observed: "no-loss", lostWrites: 0 });
  });

  it.skipIf(!namespaces.ok)(
    titled("acks=1, leader cut off from the other brokers and the controllers: the records it still acknowledged are lost", namespaces.ok ? undefined : namespaces.reason),
    { timeout: CELL_TIMEOUT_MS },
    async () => {
      const { cell, result } = await runCell({ acks: "1", minInsyncReplicas: 1, uncleanElection: false, fault: "leader-isolation" }, 26);
      expect(result.faults[0]).toMatchObject({ fault: "partition-isolate" });
      // The isolated leader is cut off from the dedicated controllers too, or it would never be fenced.
      expect(result.faults[0].targets[0]).toMatch(/\| .*1001,1002,1003$/);
      expect(result.status).toBe("passed");
      expect(cell).toMatchObject({ predicted: "loss-possible", observed: "loss" });
      expect(cell.lostWrites).toBeGreaterThan(0);
    },
  );
});
