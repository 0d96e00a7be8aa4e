// Cross-checks the codec against Apache Kafka's own generated serializers (the Java client jar):
// random messages of every API and version, encoded here, must be read by Kafka and written back
// byte for byte. Needs javac and Kafka's jars: $KCONFORM_KAFKA_LIBS, or the harness's Kafka cache.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { expect, it, onTestFinished } from "vitest";
import { kafkaHome } from "../../../harness/targets/kafka/distribution.ts";
import { encodeMessage, type MessageName } from "../codec.ts";
import { MESSAGE_SCHEMAS } from "../generated/schemas.ts";
import { messageArbitrary } from "../message-arbitrary.ts";
import { requestSchema } from "../registry.ts";
import { parseVersions } from "../schema.ts";

const SAMPLES_PER_VERSION = 6;
const here = dirname(fileURLToPath(import.meta.url));

function kafkaLibs(): string | undefined {
  const fromEnv = process.env.KCONFORM_KAFKA_LIBS;
  if (fromEnv) return fromEnv;
  const cached = join(kafkaHome(), "libs");
  return existsSync(join(cached, ".complete")) ? cached : undefined;
}

const libs = kafkaLibs();
const javac = spawnSync("javac", ["-version"]).status === 0;

interface Case {
  line: string;
  label: string;
  hex: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const schema of MESSAGE_SCHEMAS) {
    if (schema.type !== "request" && schema.type !== "response") continue;
    const { min, max } = parseVersions(schema.valid);
    // An unstable latest version (flagged on the request) may have changed since these definitions.
    const last = requestSchema(schema.apiKey as number)?.unstable ? max - 1 : max;
    for (let version = min; version <= last; version++) {
      const samples = fc.sample(messageArbitrary(schema, version), { numRuns: SAMPLES_PER_VERSION, seed: 1000 * (schema.apiKey ?? 0) + version });
      for (const value of samples) {
        const hex = encodeMessage(schema.name as MessageName, version, value as never).toString("hex");
        const kind = schema.type === "request" ? "req" : "resp";
        out.push({ line: `${kind} ${schema.apiKey} ${version} ${hex}`, label: `${schema.name} v${version}`, hex });
      }
    }
  }
  return out;
}

it.skipIf(!libs || !javac)(
  "Kafka's generated serializers re-encode every message byte for byte (skipped without javac and Kafka's jars)",
  { timeout: 120_000 },
  () => {
    const workDir = mkdtempSync(join(tmpdir(), "kconform-oracle-"));
    onTestFinished(() => rmSync(workDir, { recursive: true, force: true }));
    const classpath = `${libs}/*`;
    const compiled = spawnSync("javac", ["-d", workDir, "-cp", classpath, join(here, "KafkaCodecOracle.java")], { encoding: "utf8" });
    expect(compiled.status, compiled.stderr).toBe(0);
    const all = cases();
    const run = spawnSync("java", ["-cp", `${classpath}:${workDir}`, "KafkaCodecOracle"], {
      input: all.map((c) => c.line).join("\n") + "\n",
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const answers = run.stdout.trimEnd().split("\n");
    expect(answers).toHaveLength(all.length);
    const mismatches: string[] = [];
    let compared = 0;
    answers.forEach((answer, i) => {
      if (answer === "SKIP") return;
      compared++;
      if (answer !== `OK ${all[i].hex}`) mismatches.push(`${all[i].label}: sent ${all[i].hex}, Kafka says ${answer}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
    // Kafka 4.x dropped some old versions, but most of the table must have been compared.
    expect(compared).toBeGreaterThan(all.length / 2);
  },
);
