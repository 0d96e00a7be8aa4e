// server.properties for each node of a planned cluster, and the log4j2 configuration the brokers
// log with. Pure text generation; the settings favour fast failure detection over production sense.
import { CouldNotRunError } from "../../errors.ts";
import { LOOPBACK } from "../../proc/ports.ts";
import type { KafkaClusterPlan, KafkaNodePlan } from "./topology.ts";

export type ConfigOverride = readonly [key: string, value: string];

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parse a `key=value` flag; the value may itself contain '='. */
export function parseConfigOverride(text: string): ConfigOverride {
  const eq = text.indexOf("=");
  const key = eq < 0 ? "" : text.slice(0, eq).trim();
  if (!KEY.test(key)) {
    throw new CouldNotRunError(`--config expects key=value with a Kafka config name as key, got "${text}"`, "bad-config", { text });
  }
  return [key, text.slice(eq + 1).trim()];
}

// java.util.Properties reads files as ISO-8859-1 with backslash escapes.
function escapeValue(value: string): string {
  let out = "";
  for (const [i, ch] of [...value].entries()) {
    const code = ch.codePointAt(0) as number;
    if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === " " && i === 0) out += "\\ ";
    else if (code < 0x20 || code > 0x7e) {
      const units = String.fromCodePoint(code);
      for (let u = 0; u < units.length; u++) out += `\\u${units.charCodeAt(u).toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return out;
}

export function formatProperties(entries: Iterable<ConfigOverride>, header: string): string {
  const lines = [`# ${header}`];
  for (const [key, value] of entries) lines.push(`${key}=${escapeValue(value)}`);
  return `${lines.join("\n")}\n`;
}

const listener = (name: string, port: number, host: string = LOOPBACK) => `${name}://${host}:${port}`;

/** The settings that make a small test cluster detect failures and form groups quickly. */
function testSpeedSettings(brokerCount: number): ConfigOverride[] {
  const replicationFactor = String(Math.min(3, brokerCount));
  const minIsr = String(Math.min(2, brokerCount));
  return [
    ["group.initial.rebalance.delay.ms", "0"],
    // Lets tests' consumers use short sessions, so a hung member is noticed in seconds.
    ["group.min.session.timeout.ms", "1000"],
    ["offsets.topic.num.partitions", "3"],
    ["offsets.topic.replication.factor", replicationFactor],
    ["transaction.state.log.num.partitions", "3"],
    ["transaction.state.log.replication.factor", replicationFactor],
    ["transaction.state.log.min.isr", minIsr],
    ["share.coordinator.state.topic.num.partitions", "3"],
    ["share.coordinator.state.topic.replication.factor", replicationFactor],
    ["share.coordinator.state.topic.min.isr", minIsr],
    ["replica.lag.time.max.ms", "5000"],
    // Retention is enforced within a second, so the retention specs see deletion without waiting minutes.
    ["log.retention.check.interval.ms", "500"],
    ["log.initial.task.delay.ms", "0"],
    ["broker.heartbeat.interval.ms", "500"],
    ["broker.session.timeout.ms", "3000"],
    ["controller.quorum.election.timeout.ms", "1000"],
    ["controller.quorum.election.backoff.max.ms", "500"],
    ["controller.quorum.fetch.timeout.ms", "2000"],
    // Fewer threads and a smaller compaction buffer: several JVMs share two cores and 512 MB heaps.
    ["num.network.threads", "2"],
    ["num.io.threads", "4"],
    ["log.cleaner.dedupe.buffer.size", String(16 * 1024 * 1024)],
  ];
}

function identityAndListeners(plan: KafkaClusterPlan, node: KafkaNodePlan, dataDir: string): ConfigOverride[] {
  const isBroker = node.roles.includes("broker");
  const { client, internal, controller, advertised } = node.ports;
  const peerHost = node.peerHost ?? LOOPBACK;
  const listeners: string[] = [];
  if (isBroker && client !== undefined && internal !== undefined) listeners.push(listener("CLIENT", client), listener("INTERNAL", internal, peerHost));
  if (controller !== undefined) listeners.push(listener("CONTROLLER", controller, peerHost));
  const entries: ConfigOverride[] = [
    ["process.roles", node.roles.join(",")],
    ["node.id", String(node.nodeId)],
    ["controller.quorum.voters", plan.quorumVoters],
    ["controller.listener.names", "CONTROLLER"],
    ["listeners", listeners.join(",")],
    ["listener.security.protocol.map", "CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT"],
    ["log.dirs", dataDir],
  ];
  if (isBroker && advertised !== undefined && internal !== undefined) {
    // Clients learn the proxy's address here, so reconnects after a metadata refresh go through it too.
    entries.push(["advertised.listeners", `${listener("CLIENT", advertised)},${listener("INTERNAL", internal, peerHost)}`]);
    entries.push(["inter.broker.listener.name", "INTERNAL"]);
  }
  return entries;
}

/** server.properties text for one node; later overrides win over our defaults. */
export function serverProperties(plan: KafkaClusterPlan, node: KafkaNodePlan, dataDir: string, overrides: readonly ConfigOverride[] = []): string {
  const merged = new Map<string, string>([
    ...identityAndListeners(plan, node, dataDir),
    ...testSpeedSettings(plan.request.brokers),
    ...overrides,
  ]);
  return formatProperties(merged, `Generated by kconform for Kafka node ${node.nodeId} (${node.roles.join("+")}).`);
}

/** log4j2 configuration: everything to stdout, which the harness appends to the node's log file. */
export function log4j2Properties(): string {
  return `# Generated by kconform: broker logs go to stdout, captured per node in its log file.
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.target = SYSTEM_OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
# One line per request at INFO would drown everything else.
logger.request.name = kafka.request.logger
logger.request.level = WARN
`;
}
