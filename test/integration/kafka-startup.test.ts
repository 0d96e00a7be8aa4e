// Starting the real-Kafka target when things go wrong (port taken, no java, unreachable Maven, a node
// that never gets ready), the split topology, and `kconform cluster` as a foreground process.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { EnvironmentError, StartupError } from "../../harness/errors.ts";
import { findFreePortBlock, PortInUseError } from "../../harness/proc/ports.ts";
import { liveChildPids } from "../../harness/proc/reaper.ts";
import { startKafkaCluster, type KafkaCluster } from "../../harness/targets/kafka/cluster.ts";
import { ensureKafkaJars } from "../../harness/targets/kafka/distribution.ts";
import { portsNeeded, type TopologyRequest } from "../../harness/targets/kafka/topology.ts";
import { consumeRecords, isGone, kafkaToolsMissing, processesMentioning, quietKafka, registeredBrokerIds, titled, until } from "./kafka-helpers.ts";

// Tests that start real servers need java, mvn and go; the others check what happens without them.
const skipReason = kafkaToolsMissing();
const withTools = it.skipIf(skipReason !== undefined);

const scratch = mkdtempSync(join(tmpdir(), "kconform-kafka-startup-"));
let dirs = 0;
const freshDir = () => join(scratch, `run-${++dirs}`);
const portsFor = (request: Omit<TopologyRequest, "basePort">, extra = 0) => findFreePortBlock(portsNeeded({ ...request, basePort: 0 }) + extra);

let failed = false;
afterEach(({ task }) => {
  if (task.result?.state === "fail") failed = true;
  // Whatever a passing test started must be gone when it ends, on its error paths too.
  else expect(liveChildPids()).toEqual([]);
});
afterAll(() => {
  if (failed) console.error(`kafka startup runs kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
});

describe("starting Kafka when something is wrong", () => {
  withTools(titled("names the port already in use and starts nothing", skipReason), async () => {
    const basePort = await portsFor({ brokers: 3, proxied: true });
    const taken = basePort + 9;
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(taken, "127.0.0.1", resolve));
    const runDir = freshDir();
    try {
      const start = startKafkaCluster({ nodes: 3, basePort, runDir });
      await expect(start).rejects.toBeInstanceOf(PortInUseError);
      await expect(start).rejects.toThrow(`port ${taken} on 127.0.0.1 (for the kafka node 1 controller listener) is already in use`);
      expect(existsSync(runDir)).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("says java is missing, and how to install it, when PATH has none", async () => {
    const emptyDir = mkdtempSync(join(scratch, "empty-path-"));
    const start = startKafkaCluster({ nodes: 1, basePort: await portsFor({ brokers: 1, proxied: true }), runDir: freshDir(), env: { ...process.env, PATH: emptyDir } });
    await expect(start).rejects.toBeInstanceOf(EnvironmentError);
    await expect(start).rejects.toMatchObject({ code: "java-missing", message: expect.stringContaining("apt-get install openjdk-17-jre-headless") });
  });

  withTools(titled("says Maven's repository is unreachable, naming it and the way out", skipReason), { timeout: 120_000 }, async () => {
    const closedPort = await findFreePortBlock(1);
    const repositoryUrl = `http://127.0.0.1:${closedPort}/maven2`;
    const resolve = ensureKafkaJars({ cacheDir: join(freshDir(), "cache"), repositoryUrl });
    await expect(resolve).rejects.toMatchObject({
      code: "maven-unreachable",
      message: expect.stringContaining(`could not reach the Maven repository ${repositoryUrl}`),
    });
    await expect(resolve).rejects.toThrow(/KCONFORM_MAVEN_REPOSITORY/);
  });

  withTools(titled("reports a node that never becomes ready with its log, and tears everything down", skipReason), { timeout: 120_000 }, async () => {
    const request = { brokers: 1, proxied: true };
    const basePort = await portsFor(request, 1);
    // A second voter nobody runs: node 1 can never win an election, so it never finishes starting.
    const controllerPort = basePort + 3;
    const phantomPort = basePort + portsNeeded({ ...request, basePort });
    const start = startKafkaCluster({
      nodes: 1,
      basePort,
      runDir: freshDir(),
      startTimeoutMs: 10_000,
      config: [["controller.quorum.voters", `1@127.0.0.1:${controllerPort},2@127.0.0.1:${phantomPort}`]],
    });
    await expect(start).rejects.toBeInstanceOf(StartupError);
    await expect(start).rejects.toThrow(/kafka node 1 did not report "Kafka Server started" within 10 s while starting; last lines of .*server\.log:\n.*\[/);
  });
});

describe.skipIf(skipReason !== undefined)(titled("split topology", skipReason), () => {
  let cluster: KafkaCluster | undefined;
  afterAll(() => cluster?.stop({ graceful: false }));

  it("3 dedicated controllers and 2 brokers serve clients, keep a quorum without one controller, and survive a wiped broker", { timeout: 180_000 }, async () => {
    const request = { brokers: 2, controllers: 3, proxied: true };
    cluster = await startKafkaCluster({ nodes: 2, controllers: 3, basePort: await portsFor(request), runDir: freshDir() });
    expect(cluster.nodes.map((node) => [node.nodeId, node.roles.join("+")])).toEqual([
      [1, "broker"],
      [2, "broker"],
      [1001, "controller"],
      [1002, "controller"],
      [1003, "controller"],
    ]);
    const kafka = quietKafka(cluster.bootstrap);
    const admin = kafka.admin();
    await admin.connect();
    expect(await registeredBrokerIds(kafka)).toEqual([1, 2]);

    await cluster.node(1001).kill();
    // Creating a topic commits to the metadata log, which needs a quorum of the remaining two.
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: "after-controller-loss", numPartitions: 2, replicationFactor: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "after-controller-loss", acks: -1, messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `${i}` })) });
    await producer.disconnect();
    // Without idempotence a retried send may be stored twice, so count distinct values.
    const allValues = Array.from({ length: 100 }, (_, i) => `${i}`);
    const distinctValues = (records: { value: string }[]) => [...new Set(records.map((r) => r.value))].sort((a, b) => Number(a) - Number(b));
    expect(distinctValues(await consumeRecords(kafka, "after-controller-loss", 100, 60_000))).toEqual(allValues);

    // Permanent loss of a broker's disk: it comes back blank, re-registers, and the data is still served.
    const broker = cluster.node(2);
    await expect(broker.wipe()).rejects.toThrow("cannot wipe kafka node 2 while it runs");
    await broker.kill();
    await broker.wipe();
    expect(existsSync(broker.dataDir)).toBe(false);
    await broker.start();
    await until("broker 2 registered again after the wipe", 60_000, async () => (await registeredBrokerIds(kafka)).includes(2));
    expect(distinctValues(await consumeRecords(kafka, "after-controller-loss", 100, 60_000))).toEqual(allValues);

    const pids = cluster.nodes.flatMap((node) => node.pid() ?? []);
    await cluster.stop();
    expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
  });
});

describe("kconform cluster", () => {
  const cli = join(import.meta.dirname, "..", "..", "bin", "kconform.js");

  interface CliRun {
    code: number | null;
    stdout: string;
    stderr: string;
  }

  function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  }

  it.each([
    [["--target", "nonsense"], /argument .nonsense. is invalid. Allowed choices are kafka/],
    [["--target", "kafka", "--nodes", "0"], /--nodes must be an integer in 1\.\.9/],
    [["--target", "kafka", "--port", "40000"], /--port must be an integer in 1024\.\.32767/],
    [["--target", "kafka", "--config", "no-equals-sign"], /--config expects key=value/],
  ])("exits 2 on bad flags %j", { timeout: 30_000 }, async (flags, message) => {
    const run = await runCli(["cluster", ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("exits 2 with the reason when java is missing", { timeout: 30_000 }, async () => {
    const run = await runCli(["cluster", "--target", "kafka", "--nodes", "1", "--data-dir", freshDir()], { ...process.env, PATH: mkdtempSync(join(scratch, "no-java-")) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^kconform: java was not found/m);
  });

  withTools(titled("prints one ready line with the bootstrap servers, serves, and leaves nothing behind on SIGTERM", skipReason), { timeout: 180_000 }, async () => {
    const port = await portsFor({ brokers: 1, proxied: true });
    const runDir = freshDir();
    const child = spawn(process.execPath, [cli, "cluster", "--target", "kafka", "--nodes", "1", "--port", String(port), "--data-dir", runDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
          if (stdout.includes("\n")) resolve();
        });
        child.once("close", () => reject(new Error(`kconform cluster ended before ready:\n${stderr}`)));
      });
      expect(stdout).toBe(`ready bootstrap=127.0.0.1:${port}\n`);
      const admin = quietKafka([`127.0.0.1:${port}`]).admin();
      await admin.connect();
      expect((await admin.describeCluster()).brokers).toEqual([{ nodeId: 1, host: "127.0.0.1", port }]);
      await admin.disconnect();
      expect(processesMentioning(runDir).length).toBeGreaterThan(0);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stdout.split("\n").filter((line) => line.length > 0)).toHaveLength(1);
    expect(processesMentioning(runDir)).toEqual([]);
  });
});
