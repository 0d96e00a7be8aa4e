// `kconform cluster`: starts a cluster in the foreground, prints one `ready bootstrap=...` line on
// stdout once clients can use it, and stops every child process on Ctrl-C or SIGTERM.
import { Command, InvalidArgumentError, Option } from "commander";
import { join } from "node:path";
import { killAllNow } from "../proc/reaper.ts";
import { MAX_PORT, MIN_PORT } from "../proc/ports.ts";
import { parseConfigOverride, type ConfigOverride } from "../targets/kafka/properties.ts";
import { MAX_NODES } from "../targets/kafka/topology.ts";

interface ClusterFlags {
  target: "kafka" | "reference";
  nodes: number;
  controllers?: number;
  port: number;
  dataDir?: string;
  config: ConfigOverride[];
  proxy: boolean;
  startTimeout: number;
}

function integerIn(name: string, min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}.`);
    return value;
  };
}

function collectConfig(text: string, previous: ConfigOverride[]): ConfigOverride[] {
  try {
    return [...previous, parseConfigOverride(text)];
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

const say = (message: string) => process.stderr.write(`kconform: ${message}\n`);

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** Resolves with the first SIGINT/SIGTERM; a second one gives up on graceful and kills at once. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      process.off("SIGINT", first);
      process.off("SIGTERM", first);
      const again = () => {
        say("second signal: killing every child now");
        killAllNow();
        process.exit(130);
      };
      process.once("SIGINT", again);
      process.once("SIGTERM", again);
      resolve(signal);
    };
    process.on("SIGINT", first);
    process.on("SIGTERM", first);
  });
}

async function run(flags: ClusterFlags): Promise<void> {
  const runDir = flags.dataDir ?? join("runs", `${flags.target}-${timestamp()}`);
  const controllers = flags.controllers !== undefined ? { controllers: flags.controllers } : {};
  const common = { nodes: flags.nodes, basePort: flags.port, runDir, config: flags.config, startTimeoutMs: flags.startTimeout * 1000, onProgress: say, ...controllers };
  // Each target is imported when chosen: Kafka's brings kafkajs and Toxiproxy's client, which a
  // reference start-up (timed from the command's start) should not load. The bundle makes the
  // targets separate chunks once no other command imports them statically.
  const cluster =
    flags.target === "reference"
      ? await (await import("../targets/reference/cluster.ts")).startReferenceCluster(common)
      : await (await import("../targets/kafka/cluster.ts")).startKafkaCluster({ ...common, proxied: flags.proxy });
  const signal = nextStopSignal();
  say(`run directory ${cluster.runDir}${"network" in cluster && cluster.network !== undefined ? `, toxiproxy API ${cluster.network.apiUrl}` : ""}; Ctrl-C stops`);
  process.stdout.write(`ready bootstrap=${cluster.bootstrap.join(",")}\n`);
  say(`${await signal}: stopping`);
  await cluster.stop();
  say("stopped");
}

export function clusterCommand(): Command {
  return new Command("cluster")
    .description("start a cluster in the foreground; prints `ready bootstrap=HOST:PORT,...` when it serves")
    .addOption(new Option("--target <target>", "what to start").choices(["kafka", "reference"]).makeOptionMandatory())
    .option("--nodes <n>", "brokers (each also a controller unless --controllers is given)", integerIn("--nodes", 1, MAX_NODES), 3)
    .option("--controllers <m>", "dedicated KRaft controllers (split topology)", integerIn("--controllers", 1, MAX_NODES))
    .option("--port <port>", "first port; clients bootstrap from PORT..PORT+nodes-1", integerIn("--port", MIN_PORT, MAX_PORT), 19092)
    .option("--data-dir <dir>", "configs, data and logs of the run (default runs/<target>-<time>)")
    .addOption(new Option("--config <key=value>", "extra server.properties setting for every node (repeatable)").argParser(collectConfig).default([], "none"))
    .option("--no-proxy", "let clients reach the brokers directly instead of through Toxiproxy")
    .option("--start-timeout <seconds>", "bound on each startup phase", integerIn("--start-timeout", 1, 3600), 120)
    .action(run);
}
