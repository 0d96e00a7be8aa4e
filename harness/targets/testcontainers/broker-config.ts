// Configuration of a containerised KRaft node, as the apache/kafka image's environment variables.
// Shared by the Testcontainers target and docker-compose.yml (its test compares the two), so both
// use one listener scheme: clients only ever see the node's Toxiproxy proxy.

export const KAFKA_IMAGE = "apache/kafka:4.3.1";
export const TOXIPROXY_IMAGE = "ghcr.io/shopify/toxiproxy:2.12.0";

/** Listener that clients reach through Toxiproxy; it advertises the proxy's address. */
export const CLIENT_PORT = 9092;
/** Replication between brokers, on the container network, not proxied. */
export const INTERNAL_PORT = 19092;
export const CONTROLLER_PORT = 9093;
export const DATA_DIR = "/var/lib/kafka/data";
/** Any fixed base64 UUID: every node of one cluster must be formatted with the same one. */
export const CLUSTER_ID = "a2NvbmZvcm0tdGVzdGNsdQ";

/** The node's name on the container network. */
export function brokerAlias(nodeId: number): string {
  return `kafka-${nodeId}`;
}

/**
 * The image's variable for a broker property: `KAFKA_` + the name upper-cased, with `_` → `__`,
 * `-` → `___` and `.` → `_` (apache/kafka's docker scripts undo exactly this).
 */
export function configEnvName(property: string): string {
  return `KAFKA_${property.toUpperCase().replace(/_/g, "__").replace(/-/g, "___").replace(/\./g, "_")}`;
}

export interface BrokerEnvironmentOptions {
  readonly nodeId: number;
  /** Every node of the cluster: all are combined broker+controller voters. */
  readonly nodeIds: readonly number[];
  /** host:port of this node's Toxiproxy proxy, as clients reach it. */
  readonly advertisedClientAddress: string;
  /** Extra broker properties (`key` → value), applied last. */
  readonly config?: Readonly<Record<string, string>>;
}

/**
 * Test-speed settings, the same values the jar target uses (harness/targets/kafka/properties.ts):
 * quick rebalances and failure detection, small internal topics, few threads on two shared cores.
 */
function testSpeed(brokers: number): Record<string, string> {
  const replicationFactor = String(Math.min(3, brokers));
  const minIsr = String(Math.min(2, brokers));
  return {
    "group.initial.rebalance.delay.ms": "0",
    "offsets.topic.num.partitions": "3",
    "offsets.topic.replication.factor": replicationFactor,
    "transaction.state.log.num.partitions": "3",
    "transaction.state.log.replication.factor": replicationFactor,
    "transaction.state.log.min.isr": minIsr,
    "share.coordinator.state.topic.num.partitions": "3",
    "share.coordinator.state.topic.replication.factor": replicationFactor,
    "share.coordinator.state.topic.min.isr": minIsr,
    "replica.lag.time.max.ms": "5000",
    "broker.heartbeat.interval.ms": "500",
    "broker.session.timeout.ms": "3000",
    "controller.quorum.election.timeout.ms": "1000",
    "controller.quorum.election.backoff.max.ms": "500",
    "controller.quorum.fetch.timeout.ms": "2000",
    "num.network.threads": "2",
    "num.io.threads": "4",
    "log.cleaner.dedupe.buffer.size": String(16 * 1024 * 1024),
  };
}

export function brokerEnvironment(options: BrokerEnvironmentOptions): Record<string, string> {
  const { nodeId, nodeIds } = options;
  if (!nodeIds.includes(nodeId)) throw new RangeError(`node ${nodeId} is not one of ${nodeIds.join(", ")}`);
  const properties: Record<string, string> = {
    "node.id": String(nodeId),
    "process.roles": "broker,controller",
    "controller.quorum.voters": nodeIds.map((id) => `${id}@${brokerAlias(id)}:${CONTROLLER_PORT}`).join(","),
    listeners: `CLIENT://0.0.0.0:${CLIENT_PORT},INTERNAL://0.0.0.0:${INTERNAL_PORT},CONTROLLER://0.0.0.0:${CONTROLLER_PORT}`,
    "advertised.listeners": `CLIENT://${options.advertisedClientAddress},INTERNAL://${brokerAlias(nodeId)}:${INTERNAL_PORT}`,
    "listener.security.protocol.map": "CLIENT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "inter.broker.listener.name": "INTERNAL",
    "controller.listener.names": "CONTROLLER",
    "log.dirs": DATA_DIR,
    ...testSpeed(nodeIds.length),
    ...options.config,
  };
  const env: Record<string, string> = { CLUSTER_ID, KAFKA_HEAP_OPTS: "-Xms256m -Xmx512m" };
  for (const [property, value] of Object.entries(properties)) env[configEnvName(property)] = value;
  return env;
}
