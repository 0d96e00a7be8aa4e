// `kconform run`: starts (or attaches to) a cluster, runs the chosen chaos scenarios against it
// with kafkajs workers and the nemesis, checks every history, shrinks failures, and writes the
// histories, results.json, the reports and the broker logs into one directory.
// Exit codes: 0 every check passed, 1 an anomaly was found, 2 the run could not happen or decide.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { kafkaJsClients } from "../clients/kafkajs/factory.ts";
import { CouldNotRunError, KconformError } from "../errors.ts";
import { describePlan } from "../generator/plan.ts";
import { newSeed, planFromSeed } from "../generator/seed.ts";
import { findFreePortBlock } from "../proc/ports.ts";
import { startClientProxies, type BrokerAddress, type ClientProxies } from "../run/client-proxies.ts";
import { runEnvironment } from "../run/environment.ts";
import type { RunResult } from "../run/result.ts";
import { runScenarios } from "../run/run.ts";
import { planArbitrary, type Scenario } from "../run/scenario.ts";
import { connectExternal } from "../targets/external/connect.ts";
import { startKafkaCluster } from "../targets/kafka/cluster.ts";
import { KAFKA_VERSION } from "../targets/kafka/distribution.ts";
import { portsNeeded } from "../targets/kafka/topology.ts";
import { startReferenceCluster } from "../targets/reference/cluster.ts";
import { referencePortsNeeded } from "../targets/reference/topology.ts";
import type { Cluster } from "../targets/target.ts";
import { Progress } from "../../reports/progress/progress.ts";
import { writeReports } from "../../reports/write-reports.ts";
import { DEFAULT_SCENARIOS, SCENARIOS, scenarioByName } from "../../scenarios/index.ts";

type TargetChoice = "reference" | "kafka" | "external";

interface RunFlags {
  target: TargetChoice;
  bootstrap?: string;
  tls: boolean;
  tlsCa?: string;
  sasl?: string;
  scenario?: string[];
  seed?: number;
  timeLimit?: number;
  shrinkTime: number;
  out?: string;
  nodes?: number;
  listScenarios: boolean;
}

/** A run found an anomaly its scenarios do not allow: exit code 1. */
export class RunFailedError extends KconformError {}

function integerIn(name: string, min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}.`);
    return value;
  };
}

const say = (message: string) => process.stderr.write(`kconform: ${message}\n`);

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

function chooseScenarios(names: readonly string[] | undefined): Scenario[] {
  if (names === undefined || names.length === 0) return [...DEFAULT_SCENARIOS];
  return names.map((name) => {
    const scenario = scenarioByName(name);
    if (scenario === undefined) throw new CouldNotRunError(`no scenario named ${name}; scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}`, "unknown-scenario", { name });
    return scenario;
  });
}

/** The command line that replays this run: same target, scenarios, limits and seed. */
export function replayCommand(flags: RunFlags, seed: number, scenarios: readonly Scenario[]): string {
  const parts = ["npx kconform run", `--target ${flags.target}`];
  if (flags.bootstrap !== undefined) parts.push(`--bootstrap ${flags.bootstrap}`);
  if (flags.nodes !== undefined) parts.push(`--nodes ${flags.nodes}`);
  for (const scenario of scenarios) parts.push(`--scenario ${scenario.name}`);
  if (flags.timeLimit !== undefined) parts.push(`--time-limit ${flags.timeLimit}`);
  parts.push(`--seed ${seed}`);
  return parts.join(" ");
}

interface StartedTarget {
  cluster: Cluster;
  notes: string[];
  version?: string;
  /** Brokers to put behind a harness-run Toxiproxy, for targets that do not proxy them themselves. */
  proxyBrokers?: BrokerAddress[];
}

async function startTarget(flags: RunFlags, nodes: number, outDir: string): Promise<StartedTarget> {
  const runDir = join(outDir, "cluster");
  switch (flags.target) {
    case "kafka": {
      const basePort = await findFreePortBlock(portsNeeded({ brokers: nodes, basePort: 0, proxied: true }));
      const cluster = await startKafkaCluster({ nodes, basePort, runDir, proxied: true, onProgress: say });
      return { cluster, notes: [], version: KAFKA_VERSION };
    }
    case "reference": {
      const basePort = await findFreePortBlock(referencePortsNeeded({ brokers: nodes }));
      const cluster = await startReferenceCluster({ nodes, basePort, runDir, onProgress: say });
      const proxyBrokers = cluster.brokers().flatMap((node) => (node.clientAddress !== undefined ? [{ nodeId: node.nodeId, address: node.clientAddress }] : []));
      return { cluster, notes: [], proxyBrokers };
    }
    case "external": {
      if (flags.bootstrap === undefined) throw new CouldNotRunError("--target external needs --bootstrap HOST:PORT[,HOST:PORT...]", "missing-bootstrap");
      const cluster = await connectExternal({
        bootstrap: flags.bootstrap,
        ...(flags.tls || flags.tlsCa !== undefined ? { tls: flags.tlsCa !== undefined ? { caFile: flags.tlsCa } : true } : {}),
        ...(flags.sasl !== undefined ? { sasl: { mechanism: flags.sasl } } : {}),
      });
      const note = "the external target is not the harness's: no node is killed, paused, wiped or partitioned; only client-link faults apply (through a Toxiproxy the harness runs in front of each broker)";
      say(note);
      return { cluster, notes: [note], proxyBrokers: cluster.described.brokers.map((b) => ({ nodeId: b.nodeId, address: `${b.host}:${b.port}` })) };
    }
  }
}

function summary(result: RunResult, outDir: string): string {
  const lines = result.scenarios.map((s) => {
    const found = s.check["anomaly-types"];
    const what = s.status === "skipped" ? `skipped: ${s.skipReason}` : `${s.operations} ops, ${found.length > 0 ? `anomalies: ${found.join(", ")}` : "no anomalies"}${s.shrunk !== undefined ? `; shrunk in ${s.shrunk.runs} runs to ${s.shrunk.schedule.length} fault(s)` : ""}`;
    return `  ${s.status.padEnd(7)} ${s.name}: ${what}`;
  });
  return [`verdict: ${result.status} (seed ${result.seed})`, ...lines, `results: ${join(outDir, "results.json")}`, `replay: ${result.replay}`].join("\n");
}

async function run(flags: RunFlags): Promise<void> {
  if (flags.listScenarios) {
    for (const scenario of SCENARIOS) process.stdout.write(`${scenario.name} (${scenario.nodes} nodes): ${scenario.description}\n`);
    return;
  }
  const scenarios = chooseScenarios(flags.scenario);
  const seed = flags.seed ?? newSeed();
  const outDir = resolve(flags.out ?? join("runs", `run-${timestamp()}`));
  await mkdir(outDir, { recursive: true });
  const nodes = flags.nodes ?? Math.max(...scenarios.map((s) => s.nodes));
  const replay = replayCommand(flags, seed, scenarios);
  say(`seed ${seed}; replay with: ${replay}`);
  for (const scenario of scenarios) say(`${scenario.name}: ${describePlan(planFromSeed(planArbitrary(scenario, (flags.timeLimit ?? scenario.timeLimitMs / 1000) * 1000), seed))}`);

  const { cluster, notes, version, proxyBrokers } = await startTarget(flags, nodes, outDir);
  let proxies: ClientProxies | undefined;
  const progress = new Progress({ stream: process.stderr });
  let result: RunResult;
  try {
    if (proxyBrokers !== undefined && proxyBrokers.length > 0) {
      await mkdir(join(outDir, "cluster"), { recursive: true });
      proxies = await startClientProxies(proxyBrokers, { runDir: join(outDir, "cluster"), onProgress: say });
    }
    const env = runEnvironment(cluster, { clients: kafkaJsClients, observer: progress, say, ...(proxies !== undefined ? { clientProxies: proxies } : {}) });
    const brokers = cluster.nodes.length > 0 ? cluster.nodes.filter((node) => node.roles.includes("broker")).length : (proxyBrokers?.length ?? cluster.bootstrap.length);
    result = await runScenarios(env, scenarios, {
      seed,
      ...(flags.timeLimit !== undefined ? { timeLimitMs: flags.timeLimit * 1000 } : {}),
      shrinkTimeMs: flags.shrinkTime * 1000,
      outDir,
      replay,
      brokers,
      target: { kind: cluster.target, ...(version !== undefined ? { brokerVersion: version } : {}) },
      notes,
      onScenario: ({ scenario, index, total, result: done }) => {
        if (done === undefined) progress.scenario(scenario.name, { index, total, expectedMs: flags.timeLimit !== undefined ? flags.timeLimit * 1000 : scenario.timeLimitMs });
      },
    });
  } finally {
    progress.done();
    await proxies?.stop();
    await cluster.stop();
  }
  progress.phase("reports");
  const written = await writeReports(outDir, result);
  process.stdout.write(`${summary(result, outDir)}\nreport: ${written.html}\n`);
  if (result.exitCode === 1) throw new RunFailedError(`anomalies found: see ${written.html}`, "anomaly-found", { outDir });
  if (result.exitCode === 2) throw new CouldNotRunError(`the run could not decide: ${result.scenarios.map((s) => `${s.name} ${s.status}`).join(", ")}`, "run-undecided", { outDir });
}

export function runCommand(): Command {
  return new Command("run")
    .description("run chaos scenarios against a cluster and check every history; writes histories, results.json and reports")
    .addOption(new Option("--target <target>", "what to test: the reference broker, real Kafka started here, or an external cluster").choices(["reference", "kafka", "external"]).default("reference"))
    .option("--bootstrap <addresses>", "external target: HOST:PORT[,HOST:PORT...]")
    .option("--tls", "external target: connect with TLS", false)
    .option("--tls-ca <file>", "external target: CA certificate (PEM) to verify the brokers with")
    .option("--sasl <mechanism>", `external target: SASL mechanism (plain, scram-sha-256, scram-sha-512); credentials from $KCONFORM_SASL_USERNAME and $KCONFORM_SASL_PASSWORD`)
    .option("--scenario <name...>", `scenarios to run: ${SCENARIOS.map((s) => s.name).join(", ")} (default: all but ${SCENARIOS.filter((s) => !DEFAULT_SCENARIOS.includes(s)).map((s) => s.name).join(", ")}, which is built to fail)`)
    .option("--seed <n>", "replay the workload and fault schedule of an earlier run", integerIn("--seed", 0, 0x7fffffff))
    .option("--time-limit <seconds>", "length of each scenario's workload phase (default: the scenario's own)", integerIn("--time-limit", 1, 86_400))
    .option("--shrink-time <seconds>", "budget for shrinking a failing scenario toward a minimal run; 0 turns shrinking off", integerIn("--shrink-time", 0, 86_400), 60)
    .option("--out <dir>", "output directory (default runs/run-<time>)")
    .option("--nodes <n>", "brokers to start (default: what the scenarios need)", integerIn("--nodes", 1, 9))
    .option("--list-scenarios", "print the scenarios and exit", false)
    .addHelpText(
      "after",
      `
Every run prints its seed; --seed replays the same workloads and fault schedules.
Output: DIR/<scenario>/history.jsonl per scenario (and the minimal failing run's history when
shrinking found one), DIR/results.json, report.html, junit.xml, allure-results/, and the broker
logs under DIR/cluster/ when kconform started the cluster.

Faults: destructive ones (kill, pause, wipe, partitions) only on clusters kconform started; on
--target external only client-link faults. Partitions between brokers need the brokers in network
namespaces; targets that cannot do that skip those faults and say so once.

Exit codes:
  0  every scenario's checks passed
  1  an anomaly a scenario does not allow was found (results.json and report.html name it)
  2  the run could not happen (bad flag, unreachable or unstartable cluster) or could not decide`,
    )
    .action(run);
}
