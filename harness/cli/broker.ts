// `kconform broker`: runs one reference-broker node in the foreground. Prints one line
// `ready bootstrap=HOST:PORT` on stdout once it serves (`ready controller=HOST:PORT` for a dedicated
// controller); SIGTERM or SIGINT stop it cleanly (exit 0). Alone it is a cluster of one; with
// --peers (the controller quorum, `id@host:port,...`) it is one node of a Raft cluster, with the
// roles --roles gives it. Listens on 127.0.0.1 unless --bind-any says otherwise.
import { Command, InvalidArgumentError } from "commander";
import { BrokerConfig, BrokerConfigError } from "../../reference-broker/config/broker-config.ts";
import { runInForeground, runNodeInForeground } from "../../reference-broker/broker/foreground.ts";
import { ControllerNode } from "../../reference-broker/quorum/node/controller-node.ts";
import { clusterIdForVoters, parseVoters, VotersError, type QuorumVoter } from "../../reference-broker/quorum/node/voters.ts";
import { ListenError } from "../../reference-broker/server/listener.ts";
import { CouldNotRunError } from "../errors.ts";

interface BrokerFlags {
  nodeId: number;
  port?: number;
  peers?: string;
  roles: Role[];
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

type Role = "broker" | "controller";

function parseRoles(text: string): Role[] {
  const roles = [...new Set(text.split(",").map((r) => r.trim()))];
  if (roles.length === 0 || roles.some((r) => r !== "broker" && r !== "controller")) {
    throw new InvalidArgumentError("--roles must be broker, controller or broker,controller.");
  }
  return roles as Role[];
}

function voters(flags: BrokerFlags): QuorumVoter[] | undefined {
  if (flags.peers === undefined) return undefined;
  try {
    return parseVoters(flags.peers);
  } catch (error) {
    if (error instanceof VotersError) throw new CouldNotRunError(`--peers: ${error.message}`, "bad-peers", { peers: flags.peers });
    throw error;
  }
}

async function run(flags: BrokerFlags): Promise<void> {
  const roles = flags.roles;
  const quorum = voters(flags);
  if (!quorum && roles.length !== 2) throw new CouldNotRunError("a node without --peers is a cluster of one and has both roles; give --peers for a dedicated broker or controller", "roles-without-peers", { roles: roles.join(",") });
  if (roles.includes("broker") && flags.port === undefined) throw new CouldNotRunError("a broker needs --port (its client listener)", "missing-port", {});
  if (!roles.includes("broker") && flags.port !== undefined) throw new CouldNotRunError("--port is a broker's client listener; a dedicated controller listens on its own --peers address", "port-for-controller", { port: flags.port });
  let config: BrokerConfig;
  try {
    config = BrokerConfig.parse(flags.config);
  } catch (error) {
    if (error instanceof BrokerConfigError) throw new CouldNotRunError(`--config: ${error.message}`, "bad-config", { key: error.key });
    throw error;
  }
  const listenHost = flags.bindAny ? "0.0.0.0" : flags.host;
  const clusterId = flags.clusterId ?? (quorum ? clusterIdForVoters(quorum) : undefined);
  const common = { nodeId: flags.nodeId, dataDir: flags.dataDir, listenHost, config, ...(clusterId !== undefined ? { clusterId } : {}) };
  // A broker waiting for its controllers may not have a socket open yet, and a node's own timers
  // never keep the process alive: without this it would exit in the middle of starting.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    if (quorum && !roles.includes("broker")) {
      await runInForeground(async () => {
        const node = await ControllerNode.start({ ...common, voters: quorum });
        return { readyLine: `ready controller=${node.address}`, logger: node.logger, stop: () => node.stop() };
      });
      return;
    }
    await runNodeInForeground({
      ...common,
      port: flags.port ?? 0,
      advertisedHost: flags.advertisedHost ?? flags.host,
      ...(flags.advertisedPort !== undefined ? { advertisedPort: flags.advertisedPort } : {}),
      ...(quorum ? { quorum: { voters: quorum, controller: roles.includes("controller") } } : {}),
    });
  } catch (error) {
    if (error instanceof ListenError) throw new CouldNotRunError(error.message, "listen-failed", { host: error.host, port: error.port }, { cause: error });
    throw error;
  } finally {
    clearInterval(keepAlive);
  }
}

export function brokerCommand(): Command {
  return new Command("broker")
    .description("run one reference-broker node in the foreground; prints `ready bootstrap=HOST:PORT` when it serves")
    .requiredOption("--node-id <n>", "this node's id", integerIn("--node-id", 0, 2 ** 31 - 1))
    .option("--port <port>", "a broker's client listener port (0: any free port)", integerIn("--port", 0, 65535))
    .option("--peers <voters>", "the controller quorum, id@host:port,... (each controller listens on its own entry); absent: a cluster of one")
    .option("--roles <roles>", "broker, controller or broker,controller (with --peers)", parseRoles, ["broker", "controller"] as Role[])
    .requiredOption("--data-dir <dir>", "metadata log, partition logs and identity of this node")
    .option("--host <host>", "address to listen on and to advertise", "127.0.0.1")
    .option("--bind-any", "listen on every interface (still advertising --host)", false)
    .option("--advertised-host <host>", "address clients are told to use (default: --host)")
    .option("--advertised-port <port>", "port clients are told to use (default: the bound port)", integerIn("--advertised-port", 1, 65535))
    .option("--cluster-id <id>", "the cluster this node belongs to (default: the data directory's, or a new one)")
    .option("--config <key=value>", "broker setting, Kafka's name (repeatable)", (text: string, previous: string[]) => [...previous, text], [])
    .action(run);
}
