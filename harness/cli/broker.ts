// `kconform broker`: runs one reference-broker node in the foreground. Prints one line
// `ready bootstrap=HOST:PORT` on stdout once it serves; SIGTERM or SIGINT stop it cleanly (exit 0).
// Listens on 127.0.0.1 unless --bind-any says otherwise.
import { Command, InvalidArgumentError } from "commander";
import { BrokerConfig, BrokerConfigError } from "../../reference-broker/config/broker-config.ts";
import { runNodeInForeground } from "../../reference-broker/broker/foreground.ts";
import { ListenError } from "../../reference-broker/server/listener.ts";
import { CouldNotRunError } from "../errors.ts";

interface BrokerFlags {
  nodeId: number;
  port: number;
  dataDir: string;
  host: string;
  bindAny: boolean;
  advertisedHost?: string;
  advertisedPort?: number;
  clusterId?: string;
  config: string[];
}

function integerIn(name: string, min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) throw new InvalidArgumentError(`${name} must be an integer in ${min}..${max}.`);
    return value;
  };
}

async function run(flags: BrokerFlags): Promise<void> {
  let config: BrokerConfig;
  try {
    config = BrokerConfig.parse(flags.config);
  } catch (error) {
    if (error instanceof BrokerConfigError) throw new CouldNotRunError(`--config: ${error.message}`, "bad-config", { key: error.key });
    throw error;
  }
  const options = {
    nodeId: flags.nodeId,
    dataDir: flags.dataDir,
    port: flags.port,
    listenHost: flags.bindAny ? "0.0.0.0" : flags.host,
    advertisedHost: flags.advertisedHost ?? flags.host,
    ...(flags.advertisedPort !== undefined ? { advertisedPort: flags.advertisedPort } : {}),
    ...(flags.clusterId !== undefined ? { clusterId: flags.clusterId } : {}),
    config,
  };
  try {
    await runNodeInForeground(options);
  } catch (error) {
    if (error instanceof ListenError) throw new CouldNotRunError(error.message, "listen-failed", { host: error.host, port: error.port }, { cause: error });
    throw error;
  }
}

export function brokerCommand(): Command {
  return new Command("broker")
    .description("run one reference-broker node in the foreground; prints `ready bootstrap=HOST:PORT` when it serves")
    .requiredOption("--node-id <n>", "this node's id", integerIn("--node-id", 0, 2 ** 31 - 1))
    .requiredOption("--port <port>", "client listener port (0: any free port)", integerIn("--port", 0, 65535))
    .requiredOption("--data-dir <dir>", "metadata log, partition logs and identity of this node")
    .option("--host <host>", "address to listen on and to advertise", "127.0.0.1")
    .option("--bind-any", "listen on every interface (still advertising --host)", false)
    .option("--advertised-host <host>", "address clients are told to use (default: --host)")
    .option("--advertised-port <port>", "port clients are told to use (default: the bound port)", integerIn("--advertised-port", 1, 65535))
    .option("--cluster-id <id>", "the cluster this node belongs to (default: the data directory's, or a new one)")
    .option("--config <key=value>", "broker setting, Kafka's name (repeatable)", (text: string, previous: string[]) => [...previous, text], [])
    .action(run);
}
