// Which nodes a reference cluster has, in which roles, on which ports — the Kafka target's shapes:
// one node alone (a cluster of one, no quorum), N combined broker+controller nodes, or the split
// topology of N brokers beside M dedicated controllers. Pure, so a plan can be checked before
// anything starts.
import { CouldNotRunError } from "../../errors.ts";
import { LOOPBACK, validatePortRange, type PortUse } from "../../proc/ports.ts";
import { CONTROLLER_ID_BASE, MAX_NODES } from "../kafka/topology.ts";
import { withPeerHosts } from "../placement.ts";
import type { NodeRole } from "../target.ts";

export interface ReferenceTopologyRequest {
  /** Nodes that serve clients (combined broker+controller nodes when `controllers` is absent). */
  brokers: number;
  /** Dedicated controllers: the split topology. */
  controllers?: number;
  /** Client port of broker 1; brokers come first, then the controller listeners. */
  basePort: number;
}

export interface ReferenceNodePlan {
  nodeId: number;
  roles: NodeRole[];
  /** The client listener of a broker. */
  clientPort?: number;
  /** The controller listener of a controller. */
  controllerPort?: number;
  /** Where peers reach the controller listener: the node's network namespace address, or 127.0.0.1 (absent). */
  peerHost?: string;
}

export interface ReferenceClusterPlan {
  nodes: ReferenceNodePlan[];
  /** The controller quorum as --peers takes it; undefined for a cluster of one. */
  voters?: string;
  ports: PortUse[];
  bootstrap: string[];
}

function checkCount(name: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > MAX_NODES) {
    throw new CouldNotRunError(`--${name} must be an integer in ${min}..${MAX_NODES}, got ${value}`, `bad-${name}`, { [name]: value });
  }
}

export function planReferenceCluster(request: ReferenceTopologyRequest): ReferenceClusterPlan {
  checkCount("nodes", request.brokers, 1);
  checkCount("controllers", request.controllers, 1);
  const single = request.brokers === 1 && request.controllers === undefined;
  const controllerCount = referencePortsNeeded(request) - request.brokers;
  validatePortRange(request.basePort, request.brokers + controllerCount);
  const combined = request.controllers === undefined && !single;
  const brokers: ReferenceNodePlan[] = Array.from({ length: request.brokers }, (_, i) => ({
    nodeId: i + 1,
    roles: single || combined ? ["broker", "controller"] : ["broker"],
    clientPort: request.basePort + i,
    ...(combined ? { controllerPort: request.basePort + request.brokers + i } : {}),
  }));
  const controllers: ReferenceNodePlan[] = combined || single
    ? []
    : Array.from({ length: controllerCount }, (_, j) => ({ nodeId: CONTROLLER_ID_BASE + j + 1, roles: ["controller"], controllerPort: request.basePort + request.brokers + j }));
  const nodes = [...brokers, ...controllers];
  const ports = nodes.flatMap((node) => {
    const who = `reference node ${node.nodeId}`;
    return [
      ...(node.clientPort !== undefined ? [{ port: node.clientPort, purpose: `${who} client listener` }] : []),
      ...(node.controllerPort !== undefined ? [{ port: node.controllerPort, purpose: `${who} controller listener` }] : []),
    ];
  });
  return {
    nodes,
    ...votersOf(nodes),
    ports: ports.sort((a, b) => a.port - b.port),
    bootstrap: brokers.map((node) => `${LOOPBACK}:${node.clientPort}`),
  };
}

function votersOf(nodes: readonly ReferenceNodePlan[]): Pick<ReferenceClusterPlan, "voters"> {
  const voters = nodes.filter((node) => node.controllerPort !== undefined).map((node) => `${node.nodeId}@${node.peerHost ?? LOOPBACK}:${node.controllerPort}`);
  return voters.length > 0 ? { voters: voters.join(",") } : {};
}

/**
 * The plan with the controller quorum on the nodes' network namespace addresses. Brokers keep
 * their client ports on 127.0.0.1, which means the same broker in every namespace.
 */
export function placeInNamespaces(plan: ReferenceClusterPlan, addresses: ReadonlyMap<number, string>): ReferenceClusterPlan {
  const nodes = withPeerHosts(plan.nodes, addresses, "reference node");
  return { ...plan, nodes, ...votersOf(nodes) };
}

/** Consecutive ports a cluster of this shape listens on, from basePort. */
export function referencePortsNeeded(request: Omit<ReferenceTopologyRequest, "basePort">): number {
  const single = request.brokers === 1 && request.controllers === undefined;
  return request.brokers + (single ? 0 : (request.controllers ?? request.brokers));
}
