// Checker throughput on histories of a correct log (harness/checker/log-model.ts) of 100 k to 1 M
// events, and how the time per event grows with size (1.00 = linear). Run it with
//   node --import tsx bench/checker.bench.ts
// It is a measurement, not a test: nothing here fails on a slow machine.
//
// An event is one entry of the history, one line: an invocation or a completion (of a client or
// the nemesis). Jepsen calls each entry an "op", so a "1 M-op history" is 1 M events here. Our
// ops column counts client operations instead, an invocation and its completion together: about
// half as many. Rates are events per second unless marked ops.
// Columns, each the best of several runs (20 at 100 k, 5 at 1 M) from a collected heap:
//   check          the checker alone: events are parsed in batches of 1000 (not timed) and fed to
//                  it one at a time (timed), so nothing but the checker's own state stays alive;
//                  wall clock, the same time as operations per second, then process CPU time
//                  (steadier on a shared machine; it includes the collector's helper threads)
//   parse+check    JSON.parse of each line, then the checker: what `kconform check` does, minus disk
//   file           the whole CLI path: streamed from a JSON Lines file, validated, parsed, checked
//   in memory      checkHistory() over an array of all events; the array stays alive, so the
//                  collector re-marks it on every major collection the check's own allocations cause
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { CheckResult } from "../harness/checker/anomalies.ts";
import { checkHistory, HistoryCheck } from "../harness/checker/catalogue.ts";
import { simulate, type ModelAction, type ModelOutcome, type ModelStep } from "../harness/checker/log-model.ts";
import { streamHistoryFile } from "../harness/history/reader.ts";
import type { HistoryEvent } from "../harness/history/types.ts";

const SIZES = [100_000, 250_000, 500_000, 1_000_000];
/** Runs per measurement, best kept: more for small histories, whose runs are short enough to be hit by noise. */
const repeatsFor = (events: number) => Math.max(5, Math.round((2 * 1_000_000) / events));
const BATCH = 1_000;

/** The workload mix: mostly sends and polls, some transactions and commits, rare rebalances and faults. */
const ACTIONS: [ModelAction, number][] = [
  ["send", 400],
  ["send-keyed", 50],
  ["poll", 400],
  ["txn", 80],
  ["commit", 60],
  ["assign", 3],
  ["subscribe", 3],
  ["crash", 1],
  ["nemesis", 3],
];
const OUTCOMES: [ModelOutcome, number][] = [
  ["ok", 90],
  ["info-applied", 3],
  ["info-lost", 3],
  ["fail", 4],
];

// Every timed run starts from a collected heap, not with the previous run's garbage to clear.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** xorshift32: the same histories on every run. */
function random(seed: number): () => number {
  let state = seed | 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

function pick<T>(next: () => number, weighted: [T, number][]): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let roll = next() % total;
  for (const [item, weight] of weighted) {
    if (roll < weight) return item;
    roll -= weight;
  }
  return weighted[0][0];
}

function steps(count: number, seed: number): ModelStep[] {
  const next = random(seed);
  return Array.from({ length: count }, () => ({
    process: next() % 10,
    action: pick(next, ACTIONS),
    pick: next() % 4096,
    outcome: pick(next, OUTCOMES),
    completeNow: next() % 3 === 0,
  }));
}

/** A history of about `events` events as JSON lines: a first try tells how many events a step makes. */
function generate(events: number, seed: number): string[] {
  const trial = Math.round(events / 2);
  const probe = simulate(steps(trial, seed), { partitions: 12 }).length;
  return simulate(steps(Math.round((trial * events) / probe), seed), { partitions: 12 }).map((event) => JSON.stringify(event));
}

interface Timing {
  wall: number;
  cpu: number;
  /** Median wall-clock milliseconds of the runs: steadier than the best on a shared machine. */
  medianWall: number;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Best wall-clock and best CPU milliseconds of `repeats` runs. */
function bestOf(repeats: number, run: () => void): Timing {
  const walls: number[] = [];
  let cpuBest = Infinity;
  for (let r = 0; r < repeats; r++) {
    collectGarbage();
    const cpu = process.cpuUsage();
    const start = performance.now();
    run();
    walls.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuBest = Math.min(cpuBest, (used.user + used.system) / 1000);
  }
  return { wall: Math.min(...walls), cpu: cpuBest, medianWall: median(walls) };
}

/** Times only the checker: each batch is parsed untimed, then fed to it timed. */
function checkAlone(repeats: number, lines: readonly string[], onResult: (result: CheckResult) => void): Timing {
  const walls: number[] = [];
  let cpuBest = Infinity;
  for (let r = 0; r < repeats; r++) {
    collectGarbage();
    let wall = 0;
    let cpu = 0;
    const check = new HistoryCheck();
    const time = (work: () => void) => {
      const cpuBefore = process.cpuUsage();
      const start = performance.now();
      work();
      wall += performance.now() - start;
      const used = process.cpuUsage(cpuBefore);
      cpu += (used.user + used.system) / 1000;
    };
    for (let from = 0; from < lines.length; from += BATCH) {
      const batch = lines.slice(from, from + BATCH).map((line) => JSON.parse(line) as HistoryEvent);
      time(() => {
        for (const event of batch) check.add(event);
      });
    }
    time(() => onResult(check.finish()));
    walls.push(wall);
    cpuBest = Math.min(cpuBest, cpu);
  }
  return { wall: Math.min(...walls), cpu: cpuBest, medianWall: median(walls) };
}

async function bestOfAsync(repeats: number, run: () => Promise<void>): Promise<number> {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    collectGarbage();
    const start = performance.now();
    await run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

const rate = (events: number, ms: number) => `${((events / ms) * 1000 / 1e6).toFixed(2)} M/s`;
const pad = (text: string | number, width: number) => String(text).padStart(width);
const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kconform-bench-"));
  try {
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}; load average ${load()}`);
    console.log("counts: events = history entries (Jepsen ops): invoke + completion lines; ops = client operations (an invoke and its completion)");
    // Warm up: let the JIT compile the reader, the index and every analysis before timing anything.
    const warmUp = generate(50_000, 1);
    for (let r = 0; r < 5; r++) {
      const check = new HistoryCheck();
      for (const line of warmUp) check.add(JSON.parse(line) as HistoryEvent);
      check.finish();
    }
    console.log(`${pad("events", 9)} ${pad("ops", 8)} ${pad("records", 9)} ${pad("check", 15)} ${pad("check ops", 11)} ${pad("check cpu", 15)} ${pad("growth", 6)} ${pad("parse+check", 15)} ${pad("file", 15)} ${pad("in memory", 15)}  verdict`);
    let baseline: number | undefined;
    let largest = "";
    for (const size of SIZES) {
      const repeats = repeatsFor(size);
      const lines = generate(size, size);
      const n = lines.length;
      let verdict: unknown;
      let records = 0;
      let ops = 0;
      const checkOnly = checkAlone(repeats, lines, (result) => {
        verdict = result.valid;
        records = result.stats["records-polled"];
        ops = result.stats.ok + result.stats.fail + result.stats.info;
      });
      const parseAndCheck = bestOf(repeats, () => {
        const check = new HistoryCheck();
        for (const line of lines) check.add(JSON.parse(line) as HistoryEvent);
        if (check.finish().valid !== verdict) throw new Error("the parsed verdict differs");
      });
      const perEvent = checkOnly.wall / n;
      baseline ??= perEvent;

      const path = join(dir, `history-${size}.jsonl`);
      writeFileSync(path, `${JSON.stringify({ "kconform-history": 1, bench: size })}\n${lines.join("\n")}\n`);
      const file = await bestOfAsync(repeats, async () => {
        const check = new HistoryCheck();
        const summary = await streamHistoryFile(path, (event) => check.add(event));
        if (check.finish(summary.header).valid !== verdict) throw new Error("the file's verdict differs");
      });
      rmSync(path);

      const events = lines.map((line) => JSON.parse(line) as HistoryEvent);
      const inMemory = bestOf(repeats, () => {
        if (checkHistory(events).valid !== verdict) throw new Error("the in-memory verdict differs");
      });

      const cell = (ms: number) => pad(`${rate(n, ms)} ${pad(ms.toFixed(0), 5)}ms`, 15);
      console.log(
        `${pad(n, 9)} ${pad(ops, 8)} ${pad(records, 9)} ${cell(checkOnly.wall)} ${pad(rate(ops, checkOnly.wall), 11)} ${cell(checkOnly.cpu)} ${pad((perEvent / baseline).toFixed(2), 6)} ${cell(parseAndCheck.wall)} ${cell(file)} ${cell(inMemory.wall)}  ${String(verdict)}`,
      );
      largest = `check at ${n} history entries (Jepsen ops), median of ${repeats} runs: ${rate(n, checkOnly.medianWall)} entries, ${rate(ops, checkOnly.medianWall)} client operations (best: ${rate(n, checkOnly.wall)} entries, ${rate(ops, checkOnly.wall)} operations)`;
    }
    console.log("growth: check time per event relative to the smallest history (1.00 = linear)");
    console.log(largest);
    console.log(`load average at the end: ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
