// How long the spec catalogue takes against the reference broker and against Apache Kafka 4.3.1,
// each a 3-node cluster in racks started here, one after the other, never both at once. Run it with
//   node --import tsx bench/spec-catalogue.ts [--seed N] [--target reference|kafka|both]
// Prints each spec's status and time per target, the totals and the ratio reference/Kafka. A
// measurement, not a test: the machine is shared, so the load average is printed too.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findFreePortBlock } from "../harness/proc/ports.ts";
import type { SpecResult } from "../harness/run/result.ts";
import { startKafkaCluster } from "../harness/targets/kafka/cluster.ts";
import { portsNeeded } from "../harness/targets/kafka/topology.ts";
import { rackAwareSettings } from "../harness/targets/racks.ts";
import { startReferenceCluster } from "../harness/targets/reference/cluster.ts";
import { referencePortsNeeded } from "../harness/targets/reference/topology.ts";
import type { Cluster } from "../harness/targets/target.ts";
import { specs } from "../specs/index.ts";
import { runSpecs } from "../specs/run-spec.ts";
import { specTargetOf } from "../specs/spec.ts";

type Kind = "reference" | "kafka";

const { values } = parseArgs({ options: { seed: { type: "string", default: "12345" }, target: { type: "string", default: "both" } } });
const seed = Number(values.seed);
const kinds: Kind[] = values.target === "both" ? ["reference", "kafka"] : [values.target as Kind];
const load = () => loadavg().map((n) => n.toFixed(1)).join(" ");

async function start(kind: Kind, runDir: string): Promise<Cluster> {
  if (kind === "kafka") return startKafkaCluster({ nodes: 3, basePort: await findFreePortBlock(portsNeeded({ brokers: 3, basePort: 0, proxied: false })), runDir, proxied: false, nodeConfig: rackAwareSettings });
  return startReferenceCluster({ nodes: 3, basePort: await findFreePortBlock(referencePortsNeeded({ brokers: 3 })), runDir, nodeConfig: rackAwareSettings });
}

async function measure(kind: Kind): Promise<{ results: SpecResult[]; totalMs: number }> {
  const runDir = mkdtempSync(join(tmpdir(), `kconform-bench-specs-${kind}-`));
  const cluster = await start(kind, runDir);
  const started = performance.now();
  try {
    const results = await runSpecs(specs, specTargetOf(cluster), {
      seed,
      onSpec: (spec, result) => {
        if (result !== undefined) process.stderr.write(`bench: ${kind} ${spec.name}: ${result.status} in ${result.durationMs} ms\n`);
      },
    });
    return { results, totalMs: Math.round(performance.now() - started) };
  } finally {
    await cluster.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

process.stdout.write(`spec catalogue, seed ${seed}; load average at start ${load()}\n`);
const measured = new Map<Kind, { results: SpecResult[]; totalMs: number }>();
for (const kind of kinds) measured.set(kind, await measure(kind));
process.stdout.write(`${"spec".padEnd(30)}${kinds.map((k) => k.padStart(22)).join("")}\n`);
for (const [i, spec] of specs.entries()) {
  const cells = kinds.map((k) => {
    const r = measured.get(k)?.results[i];
    return `${r?.status ?? "-"} ${((r?.durationMs ?? 0) / 1000).toFixed(1)} s`.padStart(22);
  });
  process.stdout.write(`${spec.name.padEnd(30)}${cells.join("")}\n`);
}
process.stdout.write(`${"total".padEnd(30)}${kinds.map((k) => `${((measured.get(k)?.totalMs ?? 0) / 1000).toFixed(1)} s`.padStart(22)).join("")}\n`);
const ref = measured.get("reference");
const kafka = measured.get("kafka");
if (ref !== undefined && kafka !== undefined) process.stdout.write(`reference/Kafka time ratio: ${(ref.totalMs / kafka.totalMs).toFixed(2)}x (below 1: the reference is faster)\n`);
process.stdout.write(`load average at end ${load()}\n`);
const failed = [...measured.values()].some((m) => m.results.some((r) => r.status === "failed" || r.status === "unknown"));
process.exitCode = failed ? 1 : 0;
