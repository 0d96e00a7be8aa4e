// The benchmark's pure parts: reading /proc, choosing the median run, the ratio and the table.
import { describe, expect, it } from "vitest";
import type { PerfSummary } from "../../harness/tools/kafka-cli-output.ts";
import { parseCpuTicks, parsePeakRss } from "./proc-stats.ts";
import { formatReport, medianRun, throughputRatio, type BenchResult, type TargetMeasurement } from "./report.ts";

const run = (recordsPerSecond: number): PerfSummary => ({
  records: 1000,
  recordsPerSecond,
  megabytesPerSecond: recordsPerSecond / 1024,
  avgLatencyMs: 1,
  maxLatencyMs: 2,
  p50Ms: 1,
  p95Ms: 2,
  p99Ms: 2,
  p999Ms: 2,
});

const measured = (kind: TargetMeasurement["kind"], rates: number[]): TargetMeasurement => ({
  kind,
  startupMs: 1500,
  runs: rates.map(run),
  peakRssBytes: [300 * 1024 * 1024],
  brokerCpuSeconds: [4.25],
  loadAverage: 0.5,
});

describe("/proc", () => {
  it("reads VmHWM in bytes", () => {
    expect(parsePeakRss("Name:\tjava\nVmPeak:\t 3149028 kB\nVmHWM:\t  227004 kB\nVmRSS:\t  220000 kB\n")).toBe(227004 * 1024);
    expect(parsePeakRss("Name:\tkthreadd\n")).toBeUndefined();
  });

  it("reads utime + stime, even when the command name has spaces and parentheses", () => {
    const stat = "10089 (my (odd) cmd) R 10085 10085 8495 0 -1 4194304 101 0 0 0 250 75 0 0 20 0 1 0 488389";
    expect(parseCpuTicks(stat)).toBe(325);
  });
});

describe("the report", () => {
  it("takes the median run by records/s", () => {
    expect(medianRun([run(30), run(10), run(20)]).recordsPerSecond).toBe(20);
    expect(medianRun([run(40), run(10), run(20), run(30)]).recordsPerSecond).toBe(20);
  });

  it("divides the reference's median by Kafka's, and has no ratio with one target", () => {
    expect(throughputRatio([measured("kafka", [100, 200, 300]), measured("reference", [150, 50, 100])])).toBe(0.5);
    expect(throughputRatio([measured("kafka", [100])])).toBeUndefined();
  });

  it("prints one row per target and the ratio", () => {
    const result: BenchResult = {
      settings: { mode: "single-node", nodes: 1, records: 1000, recordSize: 1024, partitions: 3, replicationFactor: 1, acks: "1", runs: 3, warmupRecords: 100 },
      machine: { cpus: 2, node: "v20.19.0" },
      targets: [measured("kafka", [100, 200, 300]), measured("reference", [150, 50, 100])],
      ratio: 0.5,
    };
    const lines = formatReport(result).split("\n");
    expect(lines[0]).toBe("produce throughput, single-node: 1000 records × 1024 B, acks=1, 3 partitions, RF 1, 1 node(s); kafka-producer-perf-test, median of 3 run(s)");
    expect(lines[2]).toMatch(/^Apache Kafka 4\.3\.1\s+200\s+0\.2\s+2\s+100 200 300\s+300\s+1\.50\s+4\.3$/);
    expect(lines[3]).toMatch(/^the reference broker\s+100\s+0\.1\s+2\s+150 50 100\s+300\s+1\.50\s+4\.3$/);
    expect(lines.at(-1)).toBe("ratio reference/Kafka (records/s): 0.50×");
  });
});
