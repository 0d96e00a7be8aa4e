// Produce throughput of the reference broker against Apache Kafka 4.3.1, the same load generator
// (kafka-producer-perf-test, 1 KB records) run against each in turn, never both at once. Run it with
//   node --import tsx bench/produce/produce-throughput.ts [--records 500000] [--runs 3] [--replication] [--json FILE]
// It prints a table with records/s, MB/s, peak RSS, start-up time and the ratio reference/Kafka, then the
// same as JSON. A measurement, not a test: the machine is shared, so the load average is printed too.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CouldNotRunError, EXIT_COULD_NOT_RUN, KconformError } from "../../harness/errors.ts";
import { KafkaCli } from "../../harness/tools/kafka-cli.ts";
import type { PerfSummary } from "../../harness/tools/kafka-cli-output.ts";
import { describeTarget, startClientTarget, targetRunDir, type ClientTargetKind } from "../../harness/tools/targets.ts";
import { cpuSeconds, peakRssBytes } from "./proc-stats.ts";
import { formatReport, throughputRatio, type BenchResult, type BenchSettings, type TargetMeasurement } from "./report.ts";

/** Kafka as bin/kafka-server-start.sh runs it (KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS), not kconform's small test JVM. */
const KAFKA_AS_SHIPPED = { heap: "1g", jvmArgs: ["-Xms1g", "-XX:TieredStopAtLevel=4", "-XX:-UseSerialGC", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent"] };
/** The generator as bin/kafka-producer-perf-test.sh runs it: full JIT, 512 MB, so it is not the bottleneck. */
const GENERATOR = { heap: "512m", jvmArgs: ["-XX:TieredStopAtLevel=4", "-XX:-UseSerialGC", "-XX:+UseG1GC"] };
const RUN_TIMEOUT_MS = 20 * 60_000;

const say = (message: string) => process.stderr.write(`bench: ${message}\n`);

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw new CouldNotRunError(`--${name} must be a positive integer, got "${text}"`, "bad-flag", { flag: name, text });
  return value;
}

function parseFlags(argv: readonly string[]): { settings: BenchSettings; kinds: ClientTargetKind[]; json: string | undefined } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      records: { type: "string", default: "500000" },
      "record-size": { type: "string", default: "1024" },
      runs: { type: "string", default: "3" },
      "warmup-records": { type: "string", default: "200000" },
      partitions: { type: "string", default: "3" },
      replication: { type: "boolean", default: false },
      targets: { type: "string", default: "reference,kafka" },
      json: { type: "string" },
    },
  });
  const kinds = (values.targets ?? "").split(",").map((kind) => kind.trim());
  for (const kind of kinds) {
    if (kind !== "kafka" && kind !== "reference") throw new CouldNotRunError(`--targets takes kafka and/or reference, got "${kind}"`, "bad-flag", { flag: "targets" });
  }
  const replication = values.replication === true;
  return {
    settings: {
      mode: replication ? "replication" : "single-node",
      nodes: replication ? 3 : 1,
      records: positiveInteger("records", values.records as string),
      recordSize: positiveInteger("record-size", values["record-size"] as string),
      partitions: positiveInteger("partitions", values.partitions as string),
      replicationFactor: replication ? 3 : 1,
      acks: replication ? "all" : "1",
      runs: positiveInteger("runs", values.runs as string),
      warmupRecords: positiveInteger("warmup-records", values["warmup-records"] as string),
    },
    kinds: kinds as ClientTargetKind[],
    json: values.json,
  };
}

async function measure(kind: ClientTargetKind, settings: BenchSettings, scratch: string): Promise<TargetMeasurement> {
  const loadAverage = loadavg()[0];
  say(`starting ${describeTarget(kind)}: ${settings.nodes} node(s), load average ${loadAverage.toFixed(2)}`);
  const target = await startClientTarget(kind, {
    nodes: settings.nodes,
    runDir: targetRunDir(scratch, kind),
    config: [["auto.create.topics.enable", "false"]],
    kafkaHeap: KAFKA_AS_SHIPPED.heap,
    kafkaJvmArgs: KAFKA_AS_SHIPPED.jvmArgs,
    onProgress: say,
  });
  try {
    say(`${describeTarget(kind)} ready in ${(target.startupMs / 1000).toFixed(2)} s at ${target.bootstrap}`);
    const cli = await KafkaCli.create({ bootstrap: target.bootstrap, heap: GENERATOR.heap, jvmArgs: GENERATOR.jvmArgs, timeoutMs: RUN_TIMEOUT_MS });
    const producer = { acks: settings.acks };
    const perfRun = async (topic: string, numRecords: number): Promise<PerfSummary> => {
      await cli.createTopic(topic, {
        partitions: settings.partitions,
        replicationFactor: settings.replicationFactor,
        ...(settings.replicationFactor > 1 ? { config: { "min.insync.replicas": "2" } } : {}),
      });
      const summary = await cli.producerPerfTest({ topic, numRecords, recordSize: settings.recordSize, throughput: -1, producer });
      // A broker that acknowledged records it did not keep would win this benchmark; count them.
      const written = [...(await cli.endOffsets(topic)).values()].reduce((sum, offset) => sum + offset, 0);
      if (written !== numRecords) {
        throw new KconformError(`${describeTarget(kind)} acknowledged ${numRecords} records to ${topic} but its partitions end at ${written} in total`, "bench-records-missing", { kind, topic, numRecords, written });
      }
      return summary;
    };
    await perfRun("bench-warmup", settings.warmupRecords);
    const pids = target.cluster.nodes.map((node) => node.pid());
    const cpuBefore = pids.map((pid) => (pid === undefined ? undefined : cpuSeconds(pid)));
    const runs: PerfSummary[] = [];
    for (let i = 1; i <= settings.runs; i++) {
      const summary = await perfRun(`bench-${i}`, settings.records);
      say(`${describeTarget(kind)} run ${i}/${settings.runs}: ${summary.recordsPerSecond.toFixed(0)} records/s, ${summary.megabytesPerSecond.toFixed(1)} MB/s, p99 ${summary.p99Ms} ms`);
      runs.push(summary);
    }
    const brokerCpuSeconds = pids.map((pid, i) => {
      const before = cpuBefore[i];
      const after = pid === undefined ? undefined : cpuSeconds(pid);
      return before === undefined || after === undefined ? undefined : after - before;
    });
    return { kind, startupMs: target.startupMs, runs, peakRssBytes: pids.map((pid) => (pid === undefined ? undefined : peakRssBytes(pid))), brokerCpuSeconds, loadAverage };
  } finally {
    await target.cluster.stop();
  }
}

async function main(): Promise<void> {
  const { settings, kinds, json } = parseFlags(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), "kconform-bench-produce-"));
  let keep = false;
  try {
    // The reference broker first: it starts in a second, so a broken build fails before Kafka's long run.
    const order = [...kinds].sort((a, b) => (a === b ? 0 : a === "reference" ? -1 : 1));
    const targets: TargetMeasurement[] = [];
    for (const kind of order) targets.push(await measure(kind, settings, scratch));
    const result: BenchResult = { settings, machine: { cpus: cpus().length, node: process.version }, targets, ratio: throughputRatio(targets) };
    process.stdout.write(`${formatReport(result)}\n`);
    const text = `${JSON.stringify(result, null, 2)}\n`;
    if (json !== undefined) {
      writeFileSync(json, text);
      say(`results written to ${json}`);
    } else process.stdout.write(text);
  } catch (error) {
    // Brokers that ran leave their logs for the post-mortem; a failure before any start leaves nothing.
    keep = readdirSync(scratch).length > 0;
    if (keep) say(`broker logs kept in ${scratch}`);
    throw error;
  } finally {
    if (!keep) rmSync(scratch, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  say(error instanceof Error ? error.message : String(error));
  process.exit(error instanceof CouldNotRunError ? EXIT_COULD_NOT_RUN : 1);
}
