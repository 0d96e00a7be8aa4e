// Hand-built runs for the report tests: a small deterministic producer/consumer simulation writes
// histories (with fault windows, timeouts, and optionally acknowledged records that vanish), a
// minimal oracle finds the lost writes in them (so these tests do not move with the checker), and
// a RunResult ties them together with specs, a skipped scenario, a shrunk schedule and a guarantee
// matrix. Values carry markup, to prove the reports escape it.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Anomaly, CheckResult } from "../harness/checker/anomalies.ts";
import type { HistoryEvent } from "../harness/history/types.ts";
import type { FaultWindow, MatrixCell, RunResult, ScenarioResult, ScheduledFault } from "../harness/run/result.ts";

export const HOSTILE = `<script>alert("pwned")</script>&amp;`;

export interface SimulationOptions {
  seed: number;
  durationMs: number;
  producers: number;
  consumers: number;
  partitions: number;
  /** During these windows latencies grow and some operations time out (info). */
  faults: readonly FaultWindow[];
  /** Acknowledged sends, by their order among sends, whose record never reaches any reader. */
  lose?: readonly number[];
}

interface PlannedOp {
  process: number;
  startNs: number;
  endNs: number;
  kind: "send" | "poll" | "assign";
  type: "ok" | "fail" | "info";
}

const MS = 1_000_000;

/** A linear congruential generator: the same seed gives the same history on every machine. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Simulates producers and assign-consumers on one topic, returning the history's events. */
export function simulateHistory(options: SimulationOptions): HistoryEvent[] {
  const next = random(options.seed);
  const inFault = (ns: number) => options.faults.some((f) => ns >= f.startNs && ns < (f.endNs ?? Infinity));
  const planned: PlannedOp[] = [];
  const end = options.durationMs * MS;
  const processes = options.producers + options.consumers;
  for (let process = 0; process < processes; process++) {
    const consumer = process >= options.producers;
    let t = Math.floor(next() * 5 * MS);
    if (consumer) {
      planned.push({ process, startNs: t, endNs: t + 2 * MS, kind: "assign", type: "ok" });
      t += 3 * MS;
    }
    while (t < end) {
      const faulty = inFault(t);
      const latency = (faulty ? 40 + next() * 400 : 1 + next() * 12) * MS;
      const roll = next();
      const type = faulty && roll < 0.15 ? "info" : faulty && roll < 0.25 ? "fail" : "ok";
      planned.push({ process, startNs: t, endNs: t + Math.round(latency), kind: consumer ? "poll" : "send", type });
      t += Math.round(latency + (consumer ? 60 : 25) * MS * (0.5 + next()));
    }
  }
  // Every consumer reads to the end once the workload stopped, as the final read phase does.
  const drained = Math.max(...planned.map((op) => op.endNs)) + MS;
  for (let process = options.producers; process < processes; process++) {
    for (let i = 0; i < 40; i++) planned.push({ process, startNs: drained + (i * 20 + process) * MS, endNs: drained + (i * 20 + process + 3) * MS, kind: "poll", type: "ok" });
  }

  const logs = Array.from({ length: options.partitions }, () => [] as [number, number][]);
  const nextOffset = new Array<number>(options.partitions).fill(0);
  const positions = new Map<number, number[]>();
  const lose = new Set(options.lose ?? []);
  let value = 0;
  let sends = 0;
  const completions = new Map<PlannedOp, unknown[]>();
  const invokes = new Map<PlannedOp, unknown[]>();
  // The broker acts at the midpoint of each operation, in that order.
  for (const op of [...planned].sort((a, b) => a.startNs + a.endNs - (b.startNs + b.endNs))) {
    if (op.kind === "assign") {
      positions.set(op.process, new Array<number>(options.partitions).fill(0));
      continue;
    }
    if (op.kind === "send") {
      const partition = Math.floor(next() * options.partitions);
      const v = ++value;
      const extras = v % 7 === 0 ? [{ key: `k${v}${HOSTILE}` }] : [];
      invokes.set(op, [["send", `t-${partition}`, v, ...extras]]);
      if (op.type === "fail") {
        completions.set(op, [["send", `t-${partition}`, v, ...extras]]);
        continue;
      }
      const offset = nextOffset[partition]++;
      const sendNumber = sends++;
      if (!lose.has(sendNumber)) logs[partition].push([offset, v]);
      completions.set(op, [["send", `t-${partition}`, op.type === "ok" ? [offset, v] : v, ...extras]]);
      continue;
    }
    invokes.set(op, [["poll"]]);
    const position = positions.get(op.process) as number[];
    const read: Record<string, [number, number][]> = {};
    if (op.type === "ok") {
      logs.forEach((log, p) => {
        const records = log.slice(position[p], position[p] + 4);
        if (records.length > 0) read[`t-${p}`] = records;
        position[p] += records.length;
      });
    }
    completions.set(op, [["poll", read]]);
  }

  const raw: Omit<HistoryEvent, "index">[] = [];
  const partitions = Array.from({ length: options.partitions }, (_, p) => `t-${p}`);
  for (const op of planned) {
    const f = op.kind;
    const value = f === "assign" ? partitions : invokes.get(op);
    raw.push({ time: op.startNs, process: op.process, type: "invoke", f, value, ...(f === "assign" && { "seek-to-beginning": true }) } as Omit<HistoryEvent, "index">);
    const done = f === "assign" ? partitions : completions.get(op);
    const error = op.type === "info" ? `timeout after 400 ms ${HOSTILE}` : op.type === "fail" ? "NOT_LEADER_OR_FOLLOWER" : undefined;
    raw.push({ time: op.endNs, process: op.process, type: op.type, f, value: done, ...(error && { error }) } as Omit<HistoryEvent, "index">);
  }
  for (const fault of options.faults) {
    raw.push({ time: fault.startNs, process: "nemesis", type: "info", f: `start-${fault.fault}`, value: fault.targets } as Omit<HistoryEvent, "index">);
    if (fault.endNs !== undefined) raw.push({ time: fault.endNs, process: "nemesis", type: "info", f: `stop-${fault.fault}`, value: fault.targets } as Omit<HistoryEvent, "index">);
  }
  // Stable sort: an invoke and its completion keep their order even at equal times.
  return raw.sort((a, b) => a.time - b.time).map((event, index) => ({ ...event, index }) as HistoryEvent);
}

/** Client operations of a history: its invocations. */
function operationsOf(events: readonly HistoryEvent[]): number {
  return events.filter((e) => e.type === "invoke" && e.process !== "nemesis").length;
}

type OffsetValue = [number, number];

/**
 * The check of a simulated history, as the checker would report its losses: an acknowledged send
 * no poll returned is a lost write (cited with the last poll that read past it) and unseen.
 */
function checkOf(events: readonly HistoryEvent[], allowed: string[] = []): CheckResult {
  const acked = new Map<number, { partition: string; offset: number; index: number }>();
  const polled = new Set<number>();
  const furthest = new Map<string, { offset: number; value: number; index: number }>();
  const partitions = new Set<string>();
  const counts = { ok: 0, fail: 0, info: 0, nemesis: 0, sent: 0, polled: 0 };
  for (const event of events) {
    if (event.process === "nemesis") {
      counts.nemesis++;
      continue;
    }
    if (event.type === "invoke") {
      if (event.f === "send") counts.sent++;
      continue;
    }
    counts[event.type]++;
    if (event.type !== "ok") continue;
    for (const mop of (event.value ?? []) as unknown[][]) {
      if (mop[0] === "send" && Array.isArray(mop[2])) {
        const [offset, value] = mop[2] as OffsetValue;
        acked.set(value, { partition: mop[1] as string, offset, index: event.index });
        partitions.add(mop[1] as string);
      }
      if (mop[0] === "poll" && mop[1]) {
        for (const [partition, records] of Object.entries(mop[1] as Record<string, OffsetValue[]>)) {
          for (const [offset, value] of records) {
            polled.add(value);
            counts.polled++;
            if (offset >= (furthest.get(partition)?.offset ?? -1)) furthest.set(partition, { offset, value, index: event.index });
          }
        }
      }
    }
  }
  const lost: Anomaly[] = [];
  const unseen = new Map<string, { values: number[]; ops: number[] }>();
  for (const [value, send] of acked) {
    if (polled.has(value)) continue;
    const reader = furthest.get(send.partition);
    if (reader && reader.offset > send.offset) {
      lost.push({
        explanation: `Op ${send.index} sent ${value} to ${send.partition} and it was acknowledged at offset ${send.offset}, but no poll ever returned it, although op ${reader.index} polled ${reader.value} at offset ${reader.offset}, further along the log.`,
        ops: [send.index, reader.index],
        partition: send.partition,
        value,
        offset: send.offset,
      });
    }
    const entry = unseen.get(send.partition) ?? { values: [], ops: [] };
    entry.values.push(value);
    entry.ops.push(send.index);
    unseen.set(send.partition, entry);
  }
  const anomalies: CheckResult["anomalies"] = {};
  if (lost.length > 0) anomalies["lost-write"] = lost;
  if (unseen.size > 0) {
    anomalies.unseen = [...unseen].map(([partition, { values, ops }]) => ({
      explanation: `No poll ever returned ${values.length} acknowledged sends to ${partition}: ${values.join(" and ")} (sent by ops ${ops.join(" and ")}).`,
      ops,
      partition,
      count: values.length,
      values,
    }));
  }
  const types = (Object.keys(anomalies) as (keyof typeof anomalies)[]).sort();
  const disallowed = types.filter((t) => !allowed.includes(t));
  const ran = counts.ok > 0;
  return {
    valid: disallowed.length > 0 ? false : ran ? true : "unknown",
    "anomaly-types": types,
    anomalies,
    allowed,
    stats: {
      events: events.length,
      ok: counts.ok,
      fail: counts.fail,
      info: counts.info,
      "never-completed": 0,
      "unmatched-completions": 0,
      "nemesis-events": counts.nemesis,
      partitions: partitions.size,
      "values-sent-twice": 0,
      "values-sent": counts.sent,
      "records-polled": counts.polled,
      "anomaly-counts": Object.fromEntries(types.map((t) => [t, anomalies[t]?.length ?? 0])),
      "cycle-search": "skipped: no transactions",
    },
    "unknown-reasons": ran ? [] : ["no client operation succeeded, so there is nothing to judge"],
  };
}

function historyText(events: readonly HistoryEvent[], header: Record<string, unknown> = {}): string {
  return [JSON.stringify({ "kconform-history": 1, ...header }), ...events.map((e) => JSON.stringify(e))].join("\n") + "\n";
}

const leaderKill: FaultWindow = { fault: "kill", label: "kill leader", color: "#c2410c", startNs: 3_000 * MS, endNs: 5_000 * MS, targets: ["node 2"], params: { signal: "SIGKILL" } };
const isolation: FaultWindow = { fault: "partition-leader", label: "isolate leader", color: "#2563eb", startNs: 6_500 * MS, targets: ["node 1", HOSTILE] };
const blackhole: FaultWindow = { fault: "blackhole", label: "client blackhole", color: "url(javascript:alert(1))", startNs: 4_200 * MS, endNs: 4_900 * MS, targets: ["proxy-0"] };

const originalSchedule: ScheduledFault[] = [
  { atMs: 1_200, durationMs: 900, fault: "pause", target: "follower" },
  { atMs: 3_000, durationMs: 2_000, fault: "kill", target: "leader(t-0)", params: { signal: "SIGKILL" } },
  { atMs: 4_200, durationMs: 700, fault: "blackhole", target: "proxy-0" },
];
const shrunkSchedule: ScheduledFault[] = [{ atMs: 3_000, durationMs: 2_000, fault: "kill", target: "leader(t-0)", params: { signal: "SIGKILL" } }];

export interface FixtureRun {
  result: RunResult;
  /** History paths (as results.json names them) to their events. */
  histories: Map<string, HistoryEvent[]>;
}

/** A failed run: one scenario loses acknowledged writes (with a shrunk schedule), one passes, one is skipped. */
export function fixtureRun(): FixtureRun {
  const histories = new Map<string, HistoryEvent[]>();
  const safeEvents = simulateHistory({ seed: 7, durationMs: 10_000, producers: 4, consumers: 2, partitions: 3, faults: [leaderKill] });
  histories.set("histories/leader-kill-acks-all.jsonl", safeEvents);
  const lossFaults = [leaderKill, blackhole, isolation];
  const lossEvents = simulateHistory({ seed: 11, durationMs: 10_000, producers: 4, consumers: 2, partitions: 3, faults: lossFaults, lose: [60, 61] });
  histories.set("histories/unclean-election-acks-1.jsonl", lossEvents);
  const shrunkEvents = simulateHistory({ seed: 13, durationMs: 6_000, producers: 1, consumers: 1, partitions: 1, faults: [leaderKill], lose: [20] });
  histories.set("histories/unclean-election-acks-1.shrunk.jsonl", shrunkEvents);

  // An allowed anomaly beside the disallowed ones: reports must tell them apart.
  const lossCheck = checkOf(lossEvents, ["duplicate"]);
  const firstPoll = lossEvents.find((e) => e.f === "poll" && e.type === "ok") as HistoryEvent;
  lossCheck.anomalies.duplicate = [{ explanation: `Value 3 was polled twice from t-1, at offsets 1 and 2 (op ${firstPoll.index}).`, ops: [firstPoll.index], partition: "t-1", value: 3 }];
  lossCheck["anomaly-types"] = ["duplicate", ...lossCheck["anomaly-types"]];
  lossCheck.stats["anomaly-counts"].duplicate = 1;

  const base = {
    source: "Kafka documentation, Design § Replication: acks=all with min.insync.replicas",
    allowed: [] as string[],
    schedule: [] as ScheduledFault[],
  };
  const safe: ScenarioResult = {
    ...base,
    name: "leader-kill-acks-all",
    description: "Producers with acks=all and idempotence while the partition leader is killed and restarted.",
    guarantee: "No acknowledged record is lost while one in-sync replica survives.",
    status: "passed",
    config: { acks: "all", "min.insync.replicas": 2, "unclean.leader.election.enable": false, "replication.factor": 3 },
    history: "histories/leader-kill-acks-all.jsonl",
    operations: operationsOf(safeEvents),
    durationMs: 10_400,
    faults: [leaderKill],
    schedule: [originalSchedule[1]],
    check: checkOf(safeEvents),
  };
  const lossy: ScenarioResult = {
    ...base,
    name: `unclean-election-acks-1 ${HOSTILE}`,
    description: `acks=1 with unclean leader election while the leader is killed: loss is possible, but not promised away. ${HOSTILE}`,
    guarantee: "acks=1 loses records only when the leader fails before followers replicate them.",
    status: "failed",
    config: { acks: "1", "min.insync.replicas": 1, "unclean.leader.election.enable": true, note: HOSTILE },
    history: "histories/unclean-election-acks-1.jsonl",
    operations: operationsOf(lossEvents),
    durationMs: 10_900,
    faults: lossFaults,
    schedule: originalSchedule,
    allowed: ["duplicate"],
    check: lossCheck,
    shrunk: {
      schedule: shrunkSchedule,
      history: "histories/unclean-election-acks-1.shrunk.jsonl",
      check: checkOf(shrunkEvents),
      runs: 14,
      durationMs: 41_000,
    },
  };
  const skipped: ScenarioResult = {
    ...base,
    name: "broker-partition-halves",
    description: "Split the cluster into halves with nftables rules between network namespaces.",
    guarantee: "A minority partition cannot acknowledge writes with acks=all.",
    status: "skipped",
    skipReason: `network namespaces need CAP_NET_ADMIN ${HOSTILE}`,
    config: { acks: "all" },
    history: "",
    operations: 0,
    durationMs: 0,
    faults: [],
    check: checkOf([]),
  };

  const matrix: MatrixCell[] = [];
  for (const acks of ["0", "1", "all"] as const) {
    for (const minInsyncReplicas of [1, 2]) {
      for (const uncleanElection of [false, true]) {
        for (const fault of ["none", "leader-kill", "leader-isolation", "follower-pause", "n-1-loss"] as const) {
          const predicted = acks === "all" && minInsyncReplicas === 2 && !uncleanElection ? "no-loss" : fault === "none" || fault === "follower-pause" ? "no-loss" : "loss-possible";
          const observed = fault === "n-1-loss" && acks === "0" ? "not-run" : predicted === "loss-possible" && fault === "leader-kill" ? "loss" : "no-loss";
          matrix.push({
            acks,
            minInsyncReplicas,
            uncleanElection,
            fault,
            predicted,
            observed,
            ...(observed === "loss" && { lostWrites: 3 + minInsyncReplicas }),
            ...(observed === "not-run" && { note: "acks=0 gives no acknowledgement to lose" }),
          });
        }
      }
    }
  }
  // One violation (loss where none is promised) and one undecided cell, to exercise every colour.
  const violation = matrix.find((c) => c.acks === "all" && c.minInsyncReplicas === 2 && !c.uncleanElection && c.fault === "leader-isolation") as MatrixCell;
  Object.assign(violation, { observed: "loss", lostWrites: 1, scenario: lossy.name, note: HOSTILE });
  Object.assign(matrix.find((c) => c.acks === "1" && c.fault === "follower-pause") as MatrixCell, { observed: "unknown", note: "checker undecided" });

  const result: RunResult = {
    "kconform-run": 1,
    runId: "2025-11-24T10-00-00Z-seed-424242",
    startedAt: "2025-11-24T10:00:00.000Z",
    durationMs: 95_300,
    replay: "npx kconform run --target reference --seed 424242",
    seed: 424242,
    target: {
      kind: "reference",
      bootstrap: ["127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094"],
      nodes: 3,
      brokerVersion: "kconform-reference 0.1.0",
      clients: { kafkajs: "2.2.4" },
      config: { "num.partitions": "3", "default.replication.factor": "3", "log.dir": `/tmp/${HOSTILE}` },
    },
    status: "failed",
    exitCode: 1,
    specs: [
      { name: "ordering-within-partition", guarantee: "Records of one partition are read in the order they were written.", source: "Kafka documentation, Introduction: Topics and Logs", status: "passed", durationMs: 2_310, seed: 424242, numRuns: 50 },
      {
        name: "offsets-strictly-increasing",
        guarantee: "Offsets of a partition strictly increase, and a record never changes once written.",
        source: "Kafka documentation, Design: The log",
        status: "failed",
        durationMs: 4_870,
        seed: 424242,
        numRuns: 50,
        counterexample: `[Send("t-0", 1), Send("t-0", 2), Poll() → ${HOSTILE}]`,
        error: "offset 4 of t-0 was returned with two different values",
      },
      { name: "retention-by-bytes", guarantee: "Records are not deleted before retention.bytes allows.", source: "Kafka documentation, Broker configs: retention.bytes", status: "skipped", skipReason: "the target does not allow changing topic configuration", durationMs: 0, seed: 424242, numRuns: 0 },
    ],
    scenarios: [safe, lossy, skipped],
    matrix,
  };
  return { result, histories };
}

/** Writes the fixture's histories under `outDir`, where results.json says they are. */
export function writeFixtureHistories(outDir: string, fixture: FixtureRun): void {
  for (const [path, events] of fixture.histories) {
    const file = join(outDir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, historyText(events, { scenario: path }));
  }
}
