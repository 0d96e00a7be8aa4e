// Where a cluster's nodes run: all in the root namespace on 127.0.0.1, or each in its own network
// namespace (harness/net/netns) so that the nemesis can partition brokers from each other. Pure;
// namespaces.ts builds the network.
import { CouldNotRunError } from "../errors.ts";
import type { CommandLine } from "../net/netns/command.ts";
import type { SpawnSpec } from "../proc/child.ts";

/** "loopback": every node in the root namespace; "namespaces": one network namespace per node. */
export type ClusterNetworking = "loopback" | "namespaces";

/** Turns a node's command into the one that runs it in its place (`ip netns exec ...`). */
export type CommandWrapper = (command: string, args: readonly string[]) => CommandLine;

/** The spawn spec that runs `spec`'s program through `wrap`; `spec` itself when there is none. */
export function placeCommand<T extends SpawnSpec>(spec: T, wrap: CommandWrapper | undefined): T {
  if (wrap === undefined) return spec;
  const line = wrap(spec.file, spec.args);
  return { ...spec, file: line.command, args: line.args };
}

/** Each planned node with its namespace address as `peerHost`; `what` names the nodes in errors ("kafka node"). */
export function withPeerHosts<T extends { nodeId: number }>(nodes: readonly T[], addresses: ReadonlyMap<number, string>, what: string): (T & { peerHost: string })[] {
  return nodes.map((node) => {
    const peerHost = addresses.get(node.nodeId);
    if (peerHost === undefined) throw new CouldNotRunError(`${what} ${node.nodeId} has no network namespace address`, "unplaced-node", { nodeId: node.nodeId, placed: [...addresses.keys()] });
    return { ...node, peerHost };
  });
}
