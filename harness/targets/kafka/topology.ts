// Which nodes a Kafka cluster has, in which roles, on which ports. Pure: the same request always
// gives the same plan, so a port conflict or a config can be explained before anything starts.
import { CouldNotRunError } from "../../errors.ts";
import { LOOPBACK, validatePortRange, type PortUse } from "../../proc/ports.ts";
import { withPeerHosts } from "../placement.ts";
import type { NodeRole } from "../target.ts";

export interface TopologyRequest {
  /** Nodes that serve clients (combined broker+controller nodes when `controllers` is absent). */
  brokers: number;
  /** Dedicated controllers: the split topology. Absent = every node is broker and controller. */
  controllers?: number;
  /** First port; the client addresses come first, so bootstrap is basePort..basePort+brokers-1. */
  basePort: number;
  /** Put a Toxiproxy proxy in front of each broker's client listener. */
  proxied: boolean;
}

export interface KafkaNodePorts {
  /** Where clients are told to connect: the proxy's port when proxied, else `client`. */
  advertised?: number;
  /** The broker's own client listener. */
  client?: number;
  /** Broker-to-broker replication listener; never proxied. */
  internal?: number;
  /** KRaft controller listener; never proxied. */
  controller?: number;
}

export interface KafkaNodePlan {
  nodeId: number;
  roles: NodeRole[];
  ports: KafkaNodePorts;
  /**
   * Where the inter-broker and controller listeners bind and are advertised: the node's address in
   * its network namespace, or 127.0.0.1 (absent). The client listener is always on 127.0.0.1.
   */
  peerHost?: string;
}

export interface KafkaClusterPlan {
  request: TopologyRequest;
  nodes: KafkaNodePlan[];
  /** controller.quorum.voters: the static KRaft quorum. */
  quorumVoters: string;
  /** Toxiproxy's API port, when proxied. */
  toxiproxyPort?: number;
  /** Every port the cluster will listen on, with what listens there. */
  ports: PortUse[];
  bootstrap: string[];
}

/** Dedicated controllers are numbered from here, so broker ids stay 1..N in every topology. */
export const CONTROLLER_ID_BASE = 1000;
export const MAX_NODES = 9;

export function portsNeeded(request: TopologyRequest): number {
  const controllerPorts = request.controllers ?? request.brokers;
  return request.brokers * (request.proxied ? 3 : 2) + controllerPorts + (request.proxied ? 1 : 0);
}

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > MAX_NODES) {
    throw new CouldNotRunError(`--${name} must be an integer in ${min}..${MAX_NODES}, got ${value}`, `bad-${name}`, { [name]: value });
  }
}

export function planKafkaCluster(request: TopologyRequest): KafkaClusterPlan {
  checkCount("nodes", request.brokers, 1);
  checkCount("controllers", request.controllers, 1);
  validatePortRange(request.basePort, portsNeeded(request));
  let next = request.basePort;
  const take = (count: number) => Array.from({ length: count }, () => next++);
  const n = request.brokers;
  const advertised = take(n);
  const client = request.proxied ? take(n) : advertised;
  const internal = take(n);
  const combined = request.controllers === undefined;
  const controllerPorts = take(request.controllers ?? n);
  const toxiproxyPort = request.proxied ? take(1)[0] : undefined;

  const brokers: KafkaNodePlan[] = advertised.map((port, i) => ({
    nodeId: i + 1,
    roles: combined ? ["broker", "controller"] : ["broker"],
    ports: { advertised: port, client: client[i], internal: internal[i], ...(combined ? { controller: controllerPorts[i] } : {}) },
  }));
  const controllers: KafkaNodePlan[] = combined
    ? []
    : controllerPorts.map((port, j) => ({ nodeId: CONTROLLER_ID_BASE + j + 1, roles: ["controller"], ports: { controller: port } }));
  const nodes = [...brokers, ...controllers];

  const ports: PortUse[] = nodes.flatMap((node) => {
    const who = `kafka node ${node.nodeId}`;
    const uses: PortUse[] = [];
    if (request.proxied && node.ports.advertised !== undefined) uses.push({ port: node.ports.advertised, purpose: `toxiproxy proxy of ${who}` });
    if (node.ports.client !== undefined) uses.push({ port: node.ports.client, purpose: `${who} client listener` });
    if (node.ports.internal !== undefined) uses.push({ port: node.ports.internal, purpose: `${who} inter-broker listener` });
    if (node.ports.controller !== undefined) uses.push({ port: node.ports.controller, purpose: `${who} controller listener` });
    return uses;
  });
  if (toxiproxyPort !== undefined) ports.push({ port: toxiproxyPort, purpose: "toxiproxy API" });

  return {
    request,
    nodes,
    quorumVoters: quorumVotersOf(nodes),
    ...(toxiproxyPort !== undefined ? { toxiproxyPort } : {}),
    ports: ports.sort((a, b) => a.port - b.port),
    bootstrap: advertised.map((port) => `${LOOPBACK}:${port}`),
  };
}

function quorumVotersOf(nodes: readonly KafkaNodePlan[]): string {
  return nodes
    .filter((node) => node.roles.includes("controller"))
    .map((node) => `${node.nodeId}@${node.peerHost ?? LOOPBACK}:${node.ports.controller}`)
    .join(",");
}

/**
 * The plan with every node's peer listeners (inter-broker, controller) on its address in its own
 * network namespace. Clients keep the plan's addresses on 127.0.0.1, which forwards serve.
 */
export function placeInNamespaces(plan: KafkaClusterPlan, addresses: ReadonlyMap<number, string>): KafkaClusterPlan {
  const nodes = withPeerHosts(plan.nodes, addresses, "kafka node");
  return { ...plan, nodes, quorumVoters: quorumVotersOf(nodes) };
}
