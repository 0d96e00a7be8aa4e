// One run of one plan against a live cluster: a fresh topic, the workers and the nemesis for the
// time limit, then the final phase — heal everything, wait until the cluster serves again, read
// every partition from the beginning — and the check of the history, read back from its file.
import type { CheckResult } from "../checker/anomalies.ts";
import { HistoryCheck } from "../checker/catalogue.ts";
import { DEFAULT_TIMEOUTS, type ClientTimeouts } from "../clients/settings.ts";
import type { ClientFactory, ClusterAccess, ClusterAdmin } from "../clients/workload-client.ts";
import type { RunPlan } from "../generator/plan.ts";
import { streamHistoryFile } from "../history/reader.ts";
import { HistoryWriter } from "../history/writer.ts";
import type { ClientLinks, BrokerNetwork } from "../nemesis/fault.ts";
import { withOwnedNodes } from "../nemesis/cluster-view.ts";
import { Nemesis } from "../nemesis/nemesis.ts";
import type { Cluster } from "../targets/target.ts";
import { finalRead } from "./final-read.ts";
import { FinalReadLossCounter, type FinalReadLoss } from "./final-read-loss.ts";
import type { FaultWindow } from "./result.ts";
import type { Scenario } from "./scenario.ts";
import { runWorker, type WorkerContext, type WorkerPlan } from "./worker.ts";

/** What the runner reports while it works (the live progress display implements it). */
export interface RunObserver {
  phase(name: string, options?: { expectedMs?: number }): void;
  ops(n?: number): void;
  fault(action: "start" | "stop", label: string): void;
}

export interface RunEnvironment {
  cluster: Cluster;
  clients: ClientFactory;
  /** How workers reach the brokers: through the client links the nemesis disturbs. */
  access: ClusterAccess;
  /** How the harness itself reaches them (topic admin, aiming faults), around those faults. */
  adminAccess: ClusterAccess;
  links?: ClientLinks;
  network?: BrokerNetwork;
  networkUnavailable?: string;
  observer?: RunObserver;
  say: (message: string) => void;
}

export interface ExecuteOptions {
  scenario: Scenario;
  plan: RunPlan;
  seed: number;
  timeLimitMs: number;
  topic: string;
  historyPath: string;
  /** Bound on waiting for a healed cluster to serve every partition again. */
  recoveryTimeoutMs?: number;
  finalReadTimeoutMs?: number;
}

export interface Execution {
  check: CheckResult;
  /** Client operations completed. */
  operations: number;
  durationMs: number;
  faults: FaultWindow[];
  notes: string[];
  /** The final read reached the end of every partition. */
  readComplete: boolean;
  /** Acknowledged values, and those the final read did not return. */
  finalReadLoss: FinalReadLoss;
}

export function timeoutsOf(scenario: Scenario): ClientTimeouts {
  return { ...DEFAULT_TIMEOUTS, ...scenario.timeouts };
}

function workerPlans(plan: RunPlan): WorkerPlan[] {
  return [...plan.workload.producers.map((p): WorkerPlan => ({ role: "producer", plan: p })), ...plan.workload.consumers.map((c): WorkerPlan => ({ role: "consumer", plan: c }))];
}

/** Creates `options.topic`, runs the plan, heals, reads back, checks; deletes the topic after. */
export async function executePlan(env: RunEnvironment, options: ExecuteOptions): Promise<Execution> {
  const started = performance.now();
  const admin = env.clients.admin(env.adminAccess);
  try {
    env.observer?.phase("provision");
    await provisionTopic(admin, options.topic, options.scenario, brokersOf(env, options.scenario));
    const writer = HistoryWriter.create(options.historyPath, {
      allowed: options.scenario.allowed,
      scenario: options.scenario.name,
      seed: options.seed,
      topic: options.topic,
      target: env.cluster.target,
      clients: env.clients.library,
      plan: options.plan,
    });
    let phases: Omit<Execution, "check" | "durationMs" | "finalReadLoss"> & { missing: string[] };
    try {
      phases = await runPhases(env, options, admin, writer);
    } finally {
      writer.close();
    }
    env.observer?.phase("check");
    // Unread partitions leave values unseen that may well be there: that proves nothing.
    const allowed = phases.readComplete ? options.scenario.allowed : [...options.scenario.allowed, "unseen"];
    const check = new HistoryCheck({ allowed });
    const loss = new FinalReadLossCounter(readerProcessOf(options.plan));
    const summary = await streamHistoryFile(options.historyPath, (event) => {
      check.add(event);
      loss.add(event);
    });
    if (!phases.readComplete) check.doubt(`the final read did not reach the end of every partition (${phases.missing.join("; ")}), so unseen values may not be lost`);
    const result = check.finish(summary.header);
    await admin.deleteTopic(options.topic).catch((error: Error) => phases.notes.push(`could not delete topic ${options.topic}: ${error.message}`));
    return { check: result, operations: phases.operations, durationMs: performance.now() - started, faults: phases.faults, notes: phases.notes, readComplete: phases.readComplete, finalReadLoss: loss.finish() };
  } finally {
    await admin.close();
  }
}

/** Workload and nemesis for the time limit, heal, recovery, final read: everything the history records. */
async function runPhases(env: RunEnvironment, options: ExecuteOptions, admin: ClusterAdmin, writer: HistoryWriter) {
  const { scenario, plan, topic } = options;
  const notes: string[] = [];
  const timeouts = timeoutsOf(scenario);
  const record = writer.append.bind(writer);
  let operations = 0;
  let nextValue = 0;
  const runStarted = performance.now();
  const nemesis = new Nemesis({
    context: {
      cluster: env.cluster,
      topic,
      observe: async () => withOwnedNodes(await admin.view(topic), env.cluster),
      ...(env.links !== undefined ? { links: env.links } : {}),
      ...(env.network !== undefined ? { network: env.network } : {}),
      ...(env.networkUnavailable !== undefined ? { networkUnavailable: env.networkUnavailable } : {}),
    },
    record: (event) => {
      const written = record(event);
      const match = event.type === "info" ? /^(start|stop)-(.+)$/.exec(event.f) : null;
      if (match) env.observer?.fault(match[1] as "start" | "stop", match[2]);
      return written;
    },
    elapsedMs: () => performance.now() - runStarted,
    say: (message) => {
      notes.push(message);
      env.say(message);
    },
  });
  const workload = new AbortController();
  const context: WorkerContext = {
    topic,
    record,
    nextValue: () => ++nextValue,
    signal: workload.signal,
    onCompletion: () => {
      operations++;
      env.observer?.ops(1);
    },
  };

  env.observer?.phase("workload", { expectedMs: options.timeLimitMs });
  const limit = setTimeout(() => workload.abort(), options.timeLimitMs);
  try {
    const workers = workerPlans(plan).map((worker) => runWorker(env.clients.create({ ...specOf(worker, scenario), timeouts }, env.access), worker, context));
    await Promise.all([...workers, nemesis.run(plan.schedule, workload.signal)]);
  } finally {
    clearTimeout(limit);
    workload.abort();
  }

  env.observer?.phase("heal");
  const healProblems = await nemesis.healAll();
  notes.push(...nemesis.notes, ...healProblems.map((problem) => `heal-at-end: ${problem}`));
  const recoveryTimeoutMs = options.recoveryTimeoutMs ?? 90_000;
  const brokers = brokersOf(env, scenario);
  const stillMissing = await admin.waitUntilServing(topic, { brokers, minIsr: scenario.topic.replicationFactor, timeoutMs: recoveryTimeoutMs });
  if (stillMissing !== undefined) notes.push(`the cluster did not fully recover within ${recoveryTimeoutMs / 1000} s: ${stillMissing}`);

  env.observer?.phase("final read");
  const endOffsets = await admin.endOffsets(topic);
  const readerProcess = readerProcessOf(plan);
  const reader = env.clients.create({ role: "consumer", process: readerProcess, consumer: { ...scenario.consumer, autoCommit: false }, timeouts }, env.access);
  const read = await finalRead(reader, topic, endOffsets, context, options.finalReadTimeoutMs ?? 60_000);
  if (!read.complete) notes.push(`the final read did not reach the end of: ${read.missing.join("; ")}`);
  return { operations, faults: nemesis.faultWindows, notes, readComplete: read.complete, missing: read.missing };
}

/** The brokers the cluster should have: those kconform knows of, else as many as the scenario asks. */
function brokersOf(env: RunEnvironment, scenario: Scenario): number {
  return env.cluster.nodes.filter((node) => node.roles.includes("broker")).length || scenario.nodes;
}

/**
 * Creates the scenario's topic. Right after a cluster starts, a broker may still answer the new
 * topic's metadata with UNKNOWN_TOPIC_OR_PARTITION, which fails the creation call although the
 * controller created the topic: then the topic counts as provisioned once every partition serves.
 */
async function provisionTopic(admin: ClusterAdmin, topic: string, scenario: Scenario, brokers: number): Promise<void> {
  try {
    await admin.createTopic({ topic, ...scenario.topic });
  } catch (error) {
    const missing = await admin.waitUntilServing(topic, { brokers, minIsr: 1, timeoutMs: 30_000 }).catch((why: Error) => why.message);
    if (missing !== undefined) throw error;
  }
}

/** The final reader is the process after every worker. */
function readerProcessOf(plan: RunPlan): number {
  return plan.workload.producers.length + plan.workload.consumers.length;
}

function specOf(worker: WorkerPlan, scenario: Scenario) {
  return worker.role === "producer"
    ? { role: "producer" as const, process: worker.plan.process, producer: scenario.producer }
    : { role: "consumer" as const, process: worker.plan.process, consumer: scenario.consumer };
}
