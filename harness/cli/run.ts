// `kconform run`: starts (or attaches to) a cluster, runs the conformance specs and the chosen chaos
// scenarios (with the guarantee matrix's cells) against it with kafkajs workers and the nemesis,
// checks every history, shrinks failures, and writes the histories, results.json, the reports and
// the broker logs into one directory.
// Exit codes: 0 every check passed, 1 an anomaly was found, 2 the run could not happen or decide.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { kafkaJsClients } from "../clients/kafkajs/factory.ts";
import { CouldNotRunError, KconformError } from "../errors.ts";
import { describePlan } from "../generator/plan.ts";
import { newSeed, planFromSeed } from "../generator/seed.ts";
import { netnsSupport } from "../net/netns/support.ts";
import { findFreePortBlock } from "../proc/ports.ts";
import { startClientProxies, type BrokerAddress, type ClientProxies } from "../run/client-proxies.ts";
import { runEnvironment } from "../run/environment.ts";
import type { RunResult } from "../run/result.ts";
import { runSuite, type Suite } from "../run/run.ts";
import { planArbitrary, type Scenario } from "../run/scenario.ts";
import { connectExternal } from "../targets/external/connect.ts";
import { startKafkaCluster } from "../targets/kafka/cluster.ts";
import type { ClusterNetworking } from "../targets/placement.ts";
import { KAFKA_VERSION } from "../targets/kafka/distribution.ts";
import { portsNeeded } from "../targets/kafka/topology.ts";
import { rackAwareSettings } from "../targets/racks.ts";
import { startReferenceCluster } from "../targets/reference/cluster.ts";
import { referencePortsNeeded } from "../targets/reference/topology.ts";
import type { Cluster } from "../targets/target.ts";
import { Progress } from "../../reports/progress/progress.ts";
import { writeReports } from "../../reports/write-reports.ts";
import { DEFAULT_SCENARIOS, MATRIX_SCENARIOS, SCENARIOS, scenarioByName } from "../../scenarios/index.ts";
import { specs as SPEC_CATALOGUE } from "../../specs/index.ts";
import { DEFAULT_SPEC_CONCURRENCY, runSpecs } from "../../specs/run-spec.ts";
import { specTargetOf, type Spec } from "../../specs/spec.ts";

type TargetChoice = "reference" | "kafka" | "external";

interface RunFlags {
  target: TargetChoice;
  bootstrap?: string;
  tls: boolean;
  tlsCa?: string;
  sasl?: string;
  scenario?: string[];
  /** Specs to run by name; `specs: false` is --no-specs. */
  spec?: string[];
  specs: boolean;
  matrix: boolean;
  /** Specs that share the cluster run this many at a time. */
  specConcurrency: number;
  seed?: number;
  timeLimit?: number;
  shrinkTime: number;
  out?: string;
  nodes?: number;
  /** Dedicated KRaft controllers beside the brokers (split topology); absent: combined nodes. */
  controllers?: number;
  listScenarios: boolean;
  listSpecs: boolean;
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

export type SuiteFlags = Pick<RunFlags, "scenario" | "spec" | "specs" | "matrix">;

/** No spec or scenario named, no --matrix: the run is the main job. */
function isMainJob(flags: SuiteFlags): boolean {
  return (flags.scenario ?? []).length === 0 && (flags.spec ?? []).length === 0 && !flags.matrix;
}

/**
 * What the run runs. With no choice at all, the main job: every spec, then the default scenarios
 * (the chaos smoke set and the matrix subset). Naming scenarios or --matrix runs those scenarios
 * and no specs; naming specs runs those specs and no scenarios; both may be combined. --no-specs
 * drops the specs from whatever was chosen.
 */
export function chooseSuite(flags: SuiteFlags, catalogue: readonly Spec[] = SPEC_CATALOGUE): { specs: Spec[]; scenarios: Scenario[] } {
  const scenarios = (flags.scenario ?? []).map((name) => {
    const scenario = scenarioByName(name);
    if (scenario === undefined) throw new CouldNotRunError(`no scenario named ${name}; scenarios: ${SCENARIOS.map((s) => s.name).join(", ")}, and the matrix cells --list-scenarios prints`, "unknown-scenario", { name });
    return scenario;
  });
  if (flags.matrix) scenarios.push(...MATRIX_SCENARIOS.filter((cell) => !scenarios.includes(cell)));
  const specs = (flags.spec ?? []).map((name) => {
    const spec = catalogue.find((candidate) => candidate.name === name);
    if (spec === undefined) throw new CouldNotRunError(`no spec named ${name}; specs: ${catalogue.map((s) => s.name).join(", ") || "none"}`, "unknown-spec", { name });
    return spec;
  });
  const mainJob = isMainJob(flags);
  return {
    specs: !flags.specs ? [] : mainJob ? [...catalogue] : specs,
    scenarios: mainJob ? [...DEFAULT_SCENARIOS] : scenarios,
  };
}

/** The command line that replays this run: same target, specs, scenarios, limits and seed. */
export function replayCommand(flags: RunFlags, seed: number, suite: { specs: readonly Spec[]; scenarios: readonly Scenario[] }): string {
  const parts = ["npx kconform run", `--target ${flags.target}`];
  if (flags.bootstrap !== undefined) parts.push(`--bootstrap ${flags.bootstrap}`);
  if (flags.nodes !== undefined) parts.push(`--nodes ${flags.nodes}`);
  if (flags.controllers !== undefined) parts.push(`--controllers ${flags.controllers}`);
  if (!isMainJob(flags)) {
    for (const spec of suite.specs) parts.push(`--spec ${spec.name}`);
    if (flags.matrix) parts.push("--matrix");
    for (const scenario of suite.scenarios) if (!(flags.matrix && MATRIX_SCENARIOS.includes(scenario))) parts.push(`--scenario ${scenario.name}`);
  }
  if (!flags.specs) parts.push("--no-specs");
  if (flags.specConcurrency !== DEFAULT_SPEC_CONCURRENCY) parts.push(`--spec-concurrency ${flags.specConcurrency}`);
  if (flags.timeLimit !== undefined) parts.push(`--time-limit ${flags.timeLimit}`);
  parts.push(`--seed ${seed}`);
  return parts.join(" ");
}

/** The spec phase of a run: the specs against the started cluster, those running shown on the progress line. */
function specPhase(chosen: readonly Spec[], seed: number, concurrency: number, progress: Progress): Suite["specs"] {
  if (chosen.length === 0) return undefined;
  return async (env) => {
    progress.phase("specs");
    let started = 0;
    const running = new Set<Spec>();
    const show = () => {
      if (running.size === 0) return;
      const names = [...running].map((spec) => spec.name).join(" + ");
      progress.scenario(names, { kind: "spec", index: started, total: chosen.length, expectedMs: Math.max(...[...running].map((spec) => spec.timeLimitMs)) });
    };
    // Specs inject their own faults on nodes, never on client links: they go around the proxies.
    return runSpecs(chosen, specTargetOf(env.cluster, env.adminAccess), {
      seed,
      say,
      concurrency,
      onSpec: (spec, result) => {
        if (result === undefined) {
          started++;
          running.add(spec);
          show();
        } else running.delete(spec);
      },
    });
  };
}

interface StartedTarget {
  cluster: Cluster;
  notes: string[];
  version?: string;
  /** Brokers to put behind a harness-run Toxiproxy, for targets that do not proxy them themselves. */
  proxyBrokers?: BrokerAddress[];
  /** Why the brokers cannot be partitioned from each other, when the target could but this machine cannot. */
  networkUnavailable?: string;
}

/** Namespaces when this process may build them; otherwise loopback, and why, said once and kept in the run's notes. */
async function clusterNetworking(): Promise<{ network: ClusterNetworking; notes: string[]; networkUnavailable?: string }> {
  const support = await netnsSupport();
  if (support.ok) return { network: "namespaces", notes: [] };
  const networkUnavailable = `the brokers run without network namespaces, so they cannot be partitioned from each other: ${support.reason}`;
  say(networkUnavailable);
  return { network: "loopback", notes: [networkUnavailable], networkUnavailable };
}

async function startTarget(flags: RunFlags, nodes: number, outDir: string): Promise<StartedTarget> {
  const runDir = join(outDir, "cluster");
  const controllers = flags.controllers !== undefined ? { controllers: flags.controllers } : {};
  switch (flags.target) {
    case "kafka": {
      const { network, notes, networkUnavailable } = await clusterNetworking();
      const basePort = await findFreePortBlock(portsNeeded({ brokers: nodes, basePort: 0, proxied: true, ...controllers }));
      const cluster = await startKafkaCluster({ nodes, basePort, runDir, proxied: true, network, nodeConfig: rackAwareSettings, onProgress: say, ...controllers });
      return { cluster, notes, version: KAFKA_VERSION, ...(networkUnavailable !== undefined ? { networkUnavailable } : {}) };
    }
    case "reference": {
      const { network, notes, networkUnavailable } = await clusterNetworking();
      const basePort = await findFreePortBlock(referencePortsNeeded({ brokers: nodes, ...controllers }));
      const cluster = await startReferenceCluster({ nodes, basePort, runDir, network, nodeConfig: rackAwareSettings, onProgress: say, ...controllers });
      const proxyBrokers = cluster.brokers().flatMap((node) => (node.clientAddress !== undefined ? [{ nodeId: node.nodeId, address: node.clientAddress }] : []));
      return { cluster, notes, proxyBrokers, ...(networkUnavailable !== undefined ? { networkUnavailable } : {}) };
    }
    case "external": {
      if (flags.bootstrap === undefined) throw new CouldNotRunError("--target external needs --bootstrap HOST:PORT[,HOST:PORT...]", "missing-bootstrap");
      if (flags.controllers !== undefined) throw new CouldNotRunError("--controllers shapes a cluster kconform starts; an external cluster's controllers are its own", "controllers-external");
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
  const specLines = result.specs.map((s) => `  ${s.status.padEnd(7)} spec ${s.name}: ${s.status === "skipped" ? `skipped: ${s.skipReason}` : s.status === "passed" ? `${s.numRuns} runs` : (s.error ?? "").split("\n", 1)[0]}`);
  const cells = result.matrix ?? [];
  const matrixLine = cells.length > 0 ? [`  matrix: ${cells.filter((c) => c.observed === "loss").length} cell(s) with loss, ${cells.filter((c) => c.observed === "no-loss").length} without, ${cells.filter((c) => c.observed === "not-run").length} not run, ${cells.filter((c) => c.observed === "unknown").length} undecided`] : [];
  const lines = result.scenarios.map((s) => {
    const found = s.check["anomaly-types"];
    const what = s.status === "skipped" ? `skipped: ${s.skipReason}` : `${s.operations} ops, ${found.length > 0 ? `anomalies: ${found.join(", ")}` : "no anomalies"}${s.shrunk !== undefined ? `; shrunk in ${s.shrunk.runs} runs to ${s.shrunk.schedule.length} fault(s)` : ""}`;
    return `  ${s.status.padEnd(7)} ${s.name}: ${what}`;
  });
  return [`verdict: ${result.status} (seed ${result.seed})`, ...specLines, ...lines, ...matrixLine, `results: ${join(outDir, "results.json")}`, `replay: ${result.replay}`].join("\n");
}

async function run(flags: RunFlags): Promise<void> {
  if (flags.listScenarios || flags.listSpecs) {
    if (flags.listSpecs) for (const spec of SPEC_CATALOGUE) process.stdout.write(`${spec.name}: ${spec.guarantee}\n`);
    if (flags.listScenarios) for (const scenario of [...SCENARIOS, ...MATRIX_SCENARIOS]) process.stdout.write(`${scenario.name} (${scenario.nodes} nodes): ${scenario.description}\n`);
    return;
  }
  const suite = chooseSuite(flags);
  const { scenarios } = suite;
  const seed = flags.seed ?? newSeed();
  const outDir = resolve(flags.out ?? join("runs", `run-${timestamp()}`));
  await mkdir(outDir, { recursive: true });
  // The specs that kill, pause or wipe brokers want three of them, as the main job's cluster has.
  const nodes = flags.nodes ?? Math.max(suite.specs.length > 0 ? 3 : 1, ...scenarios.map((s) => s.nodes));
  const replay = replayCommand(flags, seed, suite);
  say(`seed ${seed}; replay with: ${replay}`);
  for (const scenario of scenarios) say(`${scenario.name}: ${describePlan(planFromSeed(planArbitrary(scenario, (flags.timeLimit ?? scenario.timeLimitMs / 1000) * 1000), seed))}`);

  const { cluster, notes, version, proxyBrokers, networkUnavailable } = await startTarget(flags, nodes, outDir);
  let proxies: ClientProxies | undefined;
  const progress = new Progress({ stream: process.stderr });
  let result: RunResult;
  try {
    if (proxyBrokers !== undefined && proxyBrokers.length > 0) {
      await mkdir(join(outDir, "cluster"), { recursive: true });
      proxies = await startClientProxies(proxyBrokers, { runDir: join(outDir, "cluster"), onProgress: say });
    }
    const env = runEnvironment(cluster, {
      clients: kafkaJsClients,
      observer: progress,
      say,
      ...(proxies !== undefined ? { clientProxies: proxies } : {}),
      ...(networkUnavailable !== undefined ? { networkUnavailable } : {}),
    });
    const brokers = cluster.nodes.length > 0 ? cluster.nodes.filter((node) => node.roles.includes("broker")).length : (proxyBrokers?.length ?? cluster.bootstrap.length);
    result = await runSuite(env, { specs: specPhase(suite.specs, seed, flags.specConcurrency, progress), scenarios }, {
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
  if (result.exitCode === 2) {
    const undecided = [...result.specs, ...result.scenarios].filter((item) => item.status !== "passed").map((item) => `${item.name} ${item.status}`);
    throw new CouldNotRunError(`the run could not decide: ${undecided.join(", ") || "nothing ran"}`, "run-undecided", { outDir });
  }
}

export function runCommand(): Command {
  return new Command("run")
    .description("run the conformance specs and chaos scenarios against a cluster and check every history; writes histories, results.json and reports")
    .addOption(new Option("--target <target>", "what to test: the reference broker, real Kafka started here, or an external cluster").choices(["reference", "kafka", "external"]).default("reference"))
    .option("--bootstrap <addresses>", "external target: HOST:PORT[,HOST:PORT...]")
    .option("--tls", "external target: connect with TLS", false)
    .option("--tls-ca <file>", "external target: CA certificate (PEM) to verify the brokers with")
    .option("--sasl <mechanism>", `external target: SASL mechanism (plain, scram-sha-256, scram-sha-512); credentials from $KCONFORM_SASL_USERNAME and $KCONFORM_SASL_PASSWORD`)
    .option("--scenario <name...>", `scenarios to run instead of the default set: ${SCENARIOS.map((s) => s.name).join(", ")}, or a guarantee-matrix cell (see --list-scenarios)`)
    .option("--matrix", `run the whole guarantee matrix (${MATRIX_SCENARIOS.length} cells, about 16 minutes on a 3-node cluster) instead of the default scenarios`, false)
    .option("--spec <name...>", "specs to run instead of the whole catalogue (see --list-specs)")
    .option("--no-specs", "run no conformance specs")
    .option("--spec-concurrency <n>", "specs that share the cluster run this many at a time; those that kill, pause or wipe brokers always run alone", integerIn("--spec-concurrency", 1, 32), DEFAULT_SPEC_CONCURRENCY)
    .option("--seed <n>", "replay the workload and fault schedule of an earlier run", integerIn("--seed", 0, 0x7fffffff))
    .option("--time-limit <seconds>", "length of each scenario's workload phase (default: the scenario's own)", integerIn("--time-limit", 1, 86_400))
    .option("--shrink-time <seconds>", "budget for shrinking a failing scenario toward a minimal run; 0 turns shrinking off", integerIn("--shrink-time", 0, 86_400), 60)
    .option("--out <dir>", "output directory (default runs/run-<time>)")
    .option("--nodes <n>", "brokers to start (default: what the scenarios need)", integerIn("--nodes", 1, 9))
    .option("--controllers <m>", "start M dedicated KRaft controllers beside the brokers (default: every broker is also a controller); the matrix cells that take two brokers away need them", integerIn("--controllers", 1, 9))
    .option("--list-scenarios", "print the scenarios and the matrix cells and exit", false)
    .option("--list-specs", "print the specs and exit", false)
    .addHelpText(
      "after",
      `
With no choice of specs or scenarios, a run is the main job: every conformance spec, then the chaos
smoke set (${DEFAULT_SCENARIOS.map((s) => s.name).join(", ")}).
Naming scenarios (--scenario, --matrix) runs those and no specs; naming specs (--spec) runs those and
no scenarios; name both to run both.

Every run prints its seed; --seed replays the same workloads, fault schedules and properties.
Output: DIR/<scenario>/history.jsonl per scenario (and the minimal failing run's history when
shrinking found one), DIR/results.json, report.html, junit.xml, allure-results/, and the broker
logs under DIR/cluster/ when kconform started the cluster.

Faults: destructive ones (kill, pause, wipe, partitions) only on clusters kconform started; on
--target external only client-link faults. Partitions between brokers need the brokers in network
namespaces; targets that cannot do that skip those faults and say so once.

Exit codes:
  0  every spec and every scenario's checks passed
  1  a spec's property failed, or an anomaly a scenario does not allow was found (results.json
     and report.html name it); loss in a matrix cell where the documentation allows it is no failure
  2  the run could not happen (bad flag, unreachable or unstartable cluster) or could not decide`,
    )
    .action(run);
}
