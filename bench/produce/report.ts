// The benchmark's result, as data and as the table it prints: the median run per target, peak RSS,
// start-up time, broker CPU, and the ratio reference/Kafka. Pure.
import type { PerfSummary } from "../../harness/tools/kafka-cli-output.ts";
import { describeTarget, type ClientTargetKind } from "../../harness/tools/targets.ts";

export interface BenchSettings {
  mode: "single-node" | "replication";
  nodes: number;
  records: number;
  recordSize: number;
  partitions: number;
  replicationFactor: number;
  acks: string;
  /** Measured runs per target; the median by records/s is reported. */
  runs: number;
  /** Records of the unmeasured run that warms up broker and generator. */
  warmupRecords: number;
}

export interface TargetMeasurement {
  kind: ClientTargetKind;
  /** Spawn → ready, as harness/tools/targets.ts measures it. */
  startupMs: number;
  runs: PerfSummary[];
  /** VmHWM per node, in node order; undefined where /proc could not tell. */
  peakRssBytes: (number | undefined)[];
  /** CPU seconds each node spent during the measured runs. */
  brokerCpuSeconds: (number | undefined)[];
  /** 1-minute load average when the target started: the machine is shared. */
  loadAverage: number;
}

export interface BenchResult {
  settings: BenchSettings;
  machine: { cpus: number; node: string };
  targets: TargetMeasurement[];
  /** reference / Kafka, of the median runs' records/s; undefined unless both targets ran. */
  ratio: number | undefined;
}

/** The run with the median records/s (the lower middle one for an even count). */
export function medianRun(runs: readonly PerfSummary[]): PerfSummary {
  const sorted = [...runs].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export function throughputRatio(targets: readonly TargetMeasurement[]): number | undefined {
  const of = (kind: ClientTargetKind) => targets.find((t) => t.kind === kind);
  const reference = of("reference");
  const kafka = of("kafka");
  if (reference === undefined || kafka === undefined) return undefined;
  return medianRun(reference.runs).recordsPerSecond / medianRun(kafka.runs).recordsPerSecond;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? "?" : (bytes / (1024 * 1024)).toFixed(0));
const sum = (values: readonly (number | undefined)[]) => (values.some((v) => v === undefined) ? undefined : values.reduce<number>((total, v) => total + (v as number), 0));

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
}

export function formatReport(result: BenchResult): string {
  const { settings } = result;
  const header = ["target", "records/s", "MB/s", "p99 ms", "all runs, records/s", "peak RSS MB", "start-up s", "broker CPU s"];
  const rows = result.targets.map((t) => {
    const median = medianRun(t.runs);
    const rss = t.peakRssBytes.length === 1 ? mb(t.peakRssBytes[0]) : `${t.peakRssBytes.map(mb).join("+")}`;
    const cpu = sum(t.brokerCpuSeconds);
    return [
      describeTarget(t.kind),
      median.recordsPerSecond.toFixed(0),
      median.megabytesPerSecond.toFixed(1),
      String(median.p99Ms),
      t.runs.map((r) => r.recordsPerSecond.toFixed(0)).join(" "),
      rss,
      (t.startupMs / 1000).toFixed(2),
      cpu === undefined ? "?" : cpu.toFixed(1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const lines = [
    `produce throughput, ${settings.mode}: ${settings.records} records × ${settings.recordSize} B, acks=${settings.acks}, ` +
      `${settings.partitions} partitions, RF ${settings.replicationFactor}, ${settings.nodes} node(s); kafka-producer-perf-test, median of ${settings.runs} run(s)`,
    row(header, widths),
    ...rows.map((r) => row(r, widths)),
    ...result.targets.map((t) => `  ${describeTarget(t.kind)}: load average ${t.loadAverage.toFixed(2)} on ${result.machine.cpus} CPUs when it started`),
  ];
  if (result.ratio !== undefined) lines.push(`ratio reference/Kafka (records/s): ${result.ratio.toFixed(2)}×`);
  return lines.join("\n");
}
