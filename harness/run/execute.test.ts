// The runner's pipeline on an in-memory cluster: provision, workers and nemesis on the schedule,
// heal, final read, a history that reads back valid and checks clean; and on a cluster that drops
// acknowledged writes while a node is down, a lost write found and shrunk to a smaller run.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_CONSUMER, SAFE_PRODUCER } from "../clients/settings.ts";
import { planFromSeed } from "../generator/seed.ts";
import { readHistoryFile } from "../history/reader.ts";
import { executePlan, type RunEnvironment } from "./execute.ts";
import { runScenario } from "./run-scenario.ts";
import { planArbitrary, type Scenario } from "./scenario.ts";
import { FakeCluster, fakeClients } from "./test-kit.ts";

const dir = mkdtempSync(join(tmpdir(), "kconform-run-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO: Scenario = {
  name: "fake-leader-kill",
  description: "kills a leader of the in-memory cluster",
  guarantee: "no acknowledged write is lost",
  source: "test",
  nodes: 3,
  topic: { partitions: 2, replicationFactor: 3, config: {} },
  producer: SAFE_PRODUCER,
  consumer: { ...DEFAULT_CONSUMER, pollTimeoutMs: 5 },
  timeouts: { operationMs: 1_000 },
  workload: { producers: { min: 1, max: 2 }, consumers: { min: 1, max: 1 }, producerRate: { min: 200, max: 300 }, consumerRate: { min: 50, max: 100 }, batch: { min: 1, max: 1 } },
  faults: {
    choices: [{ fault: "kill", targets: ["leader:0", "leader:1"], durationMs: { min: 150, max: 250 } }],
    faults: { min: 1, max: 2 },
    gapMs: { min: 50, max: 100 },
    quietTailMs: 100,
  },
  allowed: [],
  timeLimitMs: 800,
};

function environment(cluster: FakeCluster): RunEnvironment {
  const access = { bootstrap: cluster.bootstrap, security: {} };
  return { cluster, clients: fakeClients(cluster), access, adminAccess: access, networkUnavailable: "no namespaces in tests", say: () => undefined };
}

describe("executePlan", () => {
  it("runs workers and faults, heals, reads everything back, and the history checks valid", async () => {
    const cluster = new FakeCluster({ nodes: 3 });
    const plan = planFromSeed(planArbitrary(SCENARIO, SCENARIO.timeLimitMs), 42);
    const historyPath = join(dir, "healthy.jsonl");
    const execution = await executePlan(environment(cluster), { scenario: SCENARIO, plan, seed: 42, timeLimitMs: SCENARIO.timeLimitMs, topic: "fake-a0", historyPath });
    expect(execution.check["unknown-reasons"]).toEqual([]);
    expect(execution.check.valid).toBe(true);
    expect(execution.operations).toBeGreaterThan(20);
    expect(execution.faults.length).toBe(plan.schedule.length);
    for (const window of execution.faults) expect(window.endNs).toBeGreaterThan(window.startNs);
    expect(cluster.nodes.every((node) => node.running)).toBe(true);
    const history = await readHistoryFile(historyPath);
    expect(history.header).toMatchObject({ scenario: "fake-leader-kill", seed: 42, topic: "fake-a0", allowed: [] });
    const fs = history.events.map((event) => `${event.process}:${event.f}:${event.type}`);
    expect(fs).toContain("nemesis:start-kill:info");
    expect(fs).toContain("nemesis:heal-all:info");
    // The final reader is the process after the workers, and it assigned every partition from the beginning.
    const reader = plan.workload.producers.length + plan.workload.consumers.length;
    expect(history.events.some((event) => event.process === reader && event.f === "assign" && event.type === "ok")).toBe(true);
    expect(cluster.topics.has("fake-a0")).toBe(false);
  });
});

describe("provisioning the topic", () => {
  it("goes on when creation reported an error but the topic was created and serves", async () => {
    const cluster = new FakeCluster({ nodes: 3, failTopicCreation: "after-creating" });
    const plan = planFromSeed(planArbitrary(SCENARIO, SCENARIO.timeLimitMs), 5);
    const execution = await executePlan(environment(cluster), { scenario: SCENARIO, plan, seed: 5, timeLimitMs: SCENARIO.timeLimitMs, topic: "fake-p0", historyPath: join(dir, "provisioned.jsonl") });
    expect(execution.check.valid).toBe(true);
    expect(execution.readComplete).toBe(true);
    expect(execution.finalReadLoss.missing).toBe(0);
  });

  it("makes a scenario whose topic never came to be unknown, with the reason, instead of ending the run", async () => {
    const cluster = new FakeCluster({ nodes: 3, failTopicCreation: "without-creating" });
    const result = await runScenario(environment(cluster), SCENARIO, { seed: 6, shrinkTimeMs: 0, outDir: join(dir, "unprovisioned"), brokers: 3 });
    expect(result.status).toBe("unknown");
    expect(result.check["unknown-reasons"]).toEqual(["could not run: This server does not host this topic-partition"]);
  });
});

describe("runScenario", () => {
  it("finds the lost writes of a cluster that drops acknowledged records while a node is down, and shrinks the run", async () => {
    const cluster = new FakeCluster({ nodes: 3, loseEveryNthWhileDown: 3 });
    const outDir = join(dir, "lossy");
    const result = await runScenario(environment(cluster), SCENARIO, { seed: 7, shrinkTimeMs: 4_000, outDir, brokers: 3 });
    expect(result.status).toBe("failed");
    expect(result.check["anomaly-types"]).toContain("lost-write");
    const lost = result.check.anomalies["lost-write"]?.[0];
    expect(lost?.ops.length).toBeGreaterThan(0);
    expect(result.history).toBe(join("fake-leader-kill", "history.jsonl"));
    expect(result.shrunk).toBeDefined();
    const shrunk = result.shrunk!;
    expect(shrunk.check["anomaly-types"]).toContain("lost-write");
    expect(shrunk.schedule.length).toBeLessThanOrEqual(result.schedule.length);
    expect(shrunk.workload!.producers.length).toBeLessThanOrEqual(result.workload!.producers.length);
    // Only the original's and the minimal run's histories stay.
    expect(readdirSync(join(outDir, "fake-leader-kill")).sort()).toEqual(["history.jsonl", shrunk.history.split("/")[1]].sort());
  });

  it("skips a scenario the cluster is too small for, saying why", async () => {
    const cluster = new FakeCluster({ nodes: 1 });
    const result = await runScenario(environment(cluster), SCENARIO, { seed: 1, shrinkTimeMs: 0, outDir: join(dir, "small"), brokers: 1 });
    expect(result.status).toBe("skipped");
    expect(result.skipReason).toMatch(/needs 3 brokers, the target has 1/);
    expect(result.check.valid).toBe("unknown");
  });

  it("skips a fault scenario when none of its faults can run here", async () => {
    const cluster = new FakeCluster({ nodes: 3 });
    const partitioned: Scenario = { ...SCENARIO, faults: { ...SCENARIO.faults, choices: [{ fault: "partition-isolate", targets: ["leader:0"], durationMs: { min: 100, max: 200 } }] } };
    const result = await runScenario(environment(cluster), partitioned, { seed: 1, shrinkTimeMs: 0, outDir: join(dir, "no-netns"), brokers: 3 });
    expect(result.status).toBe("skipped");
    expect(result.skipReason).toMatch(/partition-isolate: no namespaces in tests/);
  });
});
