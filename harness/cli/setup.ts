// `kconform setup`: puts what the real-Kafka target needs into the cache — Kafka's jars through
// Maven and the Toxiproxy server built with Go — once; later runs only confirm they are there.
import { Command } from "commander";
import { cacheDir } from "../cache.ts";
import { ensureToxiproxyServer, TOXIPROXY_VERSION } from "../net/toxiproxy/binary.ts";
import { ensureKafkaJars, KAFKA_VERSION } from "../targets/kafka/distribution.ts";
import { requireJava } from "../targets/kafka/java.ts";

const say = (message: string) => process.stdout.write(`${message}\n`);
const progress = (message: string) => process.stderr.write(`kconform: ${message}\n`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

async function run(): Promise<void> {
  say(`cache: ${cacheDir()}`);
  const java = await requireJava();
  say(`java: ${java.path} (Java ${java.major})`);
  const since = performance.now();
  const timed = async <T>(work: Promise<T>) => ({ result: await work, took: seconds(since) });
  // Concurrently: Maven mostly waits on the network while Go compiles.
  const [jars, toxiproxy] = await Promise.all([timed(ensureKafkaJars({ onProgress: progress })), timed(ensureToxiproxyServer({ onProgress: progress }))]);
  say(`kafka ${KAFKA_VERSION}: ${jars.result.resolvedNow ? `resolved in ${jars.took} into` : "already in"} ${jars.result.distribution.libsDir}`);
  say(`toxiproxy ${TOXIPROXY_VERSION}: ${toxiproxy.result.builtNow ? `built in ${toxiproxy.took} at` : "already at"} ${toxiproxy.result.path}`);
}

export function setupCommand(): Command {
  return new Command("setup")
    .description(`put Kafka ${KAFKA_VERSION}'s jars and Toxiproxy ${TOXIPROXY_VERSION} into the kconform cache (idempotent)`)
    .action(run);
}
