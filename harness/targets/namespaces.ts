// Builds the network namespaces a cluster's nodes run in, and the command wrapper that starts a
// node inside its own.
import { EnvironmentError } from "../errors.ts";
import { cleanupStale, NamespaceNetwork } from "../net/netns/network.ts";
import { netnsSupport } from "../net/netns/support.ts";
import type { CommandWrapper } from "./placement.ts";

/** Runs a command inside one node's namespace of `network`. */
export function inNodeNamespace(network: NamespaceNetwork, nodeId: number): CommandWrapper {
  return (command, args) => network.commandIn(nodeId, command, args);
}

/**
 * A namespace per node, after checking that this process may build one (the reason in the error
 * when not) and removing what crashed runs left behind.
 */
export async function createClusterNetwork(nodeIds: readonly number[], onProgress?: (message: string) => void): Promise<NamespaceNetwork> {
  const support = await netnsSupport();
  if (!support.ok) throw new EnvironmentError(`cannot run the nodes in network namespaces: ${support.reason}`, "netns-unavailable", { nodeIds });
  const stale = await cleanupStale();
  if (stale.length > 0) onProgress?.(`removed ${stale.length} network namespace(s) left by runs that died: ${stale.join(", ")}`);
  const network = await NamespaceNetwork.create({ nodeIds });
  onProgress?.(`network namespaces ${network.nodes.map((node) => `${node.namespace} (${node.address})`).join(", ")}`);
  return network;
}
