// Partition topologies as grudges, after Jepsen: a grudge maps a node to the set of nodes whose
// packets it drops. Pure functions; the nftables layer turns a grudge into rules per namespace.
import { KconformError } from "../../errors.ts";

export type NodeId = number;
export type Grudge = ReadonlyMap<NodeId, ReadonlySet<NodeId>>;

/** A partition was asked for that cannot exist on these nodes (unknown node, too few nodes...). */
export class PartitionSpecError extends KconformError {
  constructor(message: string, context: Record<string, unknown>) {
    super(message, "bad-partition-spec", context);
  }
}

function requireDistinct(nodes: readonly NodeId[], spec: string): void {
  if (new Set(nodes).size !== nodes.length) {
    throw new PartitionSpecError(`${spec}: node ids must be distinct`, { spec, nodes });
  }
}

function requireMember(nodes: readonly NodeId[], node: NodeId, spec: string): void {
  if (!nodes.includes(node)) {
    throw new PartitionSpecError(`${spec}: node ${node} is not one of ${nodes.join(", ")}`, { spec, nodes, node });
  }
}

/** Each node drops every node outside its own component: the components cannot talk to each other. */
export function completeGrudge(components: readonly (readonly NodeId[])[]): Grudge {
  const all = components.flat();
  requireDistinct(all, "complete");
  const grudge = new Map<NodeId, Set<NodeId>>();
  for (const component of components) {
    const inside = new Set(component);
    const outside = all.filter((node) => !inside.has(node));
    if (outside.length === 0) continue;
    for (const node of component) grudge.set(node, new Set(outside));
  }
  return grudge;
}

/** The first floor(n/2) nodes and the rest; the second half is the larger one when n is odd. */
export function bisect(nodes: readonly NodeId[]): [NodeId[], NodeId[]] {
  const cut = Math.floor(nodes.length / 2);
  return [nodes.slice(0, cut), nodes.slice(cut)];
}

/** `node` can reach no one and no one can reach it. */
export function isolateNode(nodes: readonly NodeId[], node: NodeId): Grudge {
  requireDistinct(nodes, "isolate");
  requireMember(nodes, node, "isolate");
  if (nodes.length < 2) throw new PartitionSpecError("isolate: needs at least 2 nodes", { nodes, node });
  return completeGrudge([[node], nodes.filter((other) => other !== node)]);
}

/** Two halves in the order given (the caller shuffles); with an odd count the second is a majority. */
export function splitHalves(nodes: readonly NodeId[]): Grudge {
  requireDistinct(nodes, "halves");
  if (nodes.length < 2) throw new PartitionSpecError("halves: needs at least 2 nodes", { nodes });
  return completeGrudge(bisect(nodes));
}

/** `minority` (fewer than half of the nodes) cut off from everyone else. */
export function majorityMinority(nodes: readonly NodeId[], minority: readonly NodeId[]): Grudge {
  requireDistinct(nodes, "majority-minority");
  requireDistinct(minority, "majority-minority");
  for (const node of minority) requireMember(nodes, node, "majority-minority");
  if (minority.length === 0 || minority.length * 2 >= nodes.length) {
    throw new PartitionSpecError(
      `majority-minority: the minority must hold at least 1 and fewer than half of ${nodes.length} nodes, got ${minority.length}`,
      { nodes, minority },
    );
  }
  const inMinority = new Set(minority);
  return completeGrudge([[...minority], nodes.filter((node) => !inMinority.has(node))]);
}

/**
 * Jepsen's bridge: two halves that cannot talk, except through one node (the first of the second
 * half) that sees both sides and is seen by both.
 */
export function bridge(nodes: readonly NodeId[]): Grudge {
  requireDistinct(nodes, "bridge");
  if (nodes.length < 3) throw new PartitionSpecError("bridge: needs at least 3 nodes", { nodes });
  const halves = bisect(nodes);
  const bridgeNode = halves[1][0];
  const grudge = new Map<NodeId, Set<NodeId>>();
  for (const [node, dropped] of completeGrudge(halves)) {
    if (node === bridgeNode) continue;
    const kept = new Set([...dropped].filter((other) => other !== bridgeNode));
    if (kept.size > 0) grudge.set(node, kept);
  }
  return grudge;
}

/**
 * Packets from `from` to `to` are dropped, the other direction still flows. TCP cannot complete a
 * handshake either way, but datagrams and already-sent segments show the asymmetry.
 */
export function oneWay(nodes: readonly NodeId[], from: NodeId, to: NodeId): Grudge {
  requireDistinct(nodes, "one-way");
  requireMember(nodes, from, "one-way");
  requireMember(nodes, to, "one-way");
  if (from === to) throw new PartitionSpecError("one-way: a node cannot drop its own packets", { nodes, from, to });
  return new Map([[to, new Set([from])]]);
}

/** Whether a TCP connection from `client` to `server` can be set up under this grudge. */
export function tcpReachable(grudge: Grudge, client: NodeId, server: NodeId): boolean {
  return !(grudge.get(server)?.has(client) ?? false) && !(grudge.get(client)?.has(server) ?? false);
}

/** The grudge as plain JSON for histories and logs: `{"1": [2, 3], ...}`, nodes and sets sorted. */
export function grudgeToJson(grudge: Grudge): Record<string, NodeId[]> {
  const json: Record<string, NodeId[]> = {};
  for (const node of [...grudge.keys()].sort((a, b) => a - b)) {
    json[String(node)] = [...(grudge.get(node) ?? [])].sort((a, b) => a - b);
  }
  return json;
}
