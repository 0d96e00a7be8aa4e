// Acting on several nodes of a cluster the harness owns, for the process and disk faults: all at
// once, and the heal-at-end steps every such fault shares (resume what is paused, start what is down).
import type { ClusterNode } from "../targets/target.ts";
import { nodeOf, type FaultStart, type NemesisContext } from "./fault.ts";

export function targetNodes(context: NemesisContext, start: FaultStart, fault: string): ClusterNode[] {
  return start.nodes.map((nodeId) => nodeOf(context, nodeId, fault));
}

export function describeNodes(nodes: readonly ClusterNode[]): string[] {
  return nodes.map((node) => `node ${node.nodeId}`);
}

/** Starts every node that is not running; the first failure is rethrown after all were tried. */
export async function startStopped(context: NemesisContext): Promise<void> {
  const stopped = context.cluster.nodes.filter((node) => !node.isRunning());
  const results = await Promise.allSettled(stopped.map((node) => node.start()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
}

/** SIGCONT to every running node: harmless to one that was never paused. */
export async function resumeAll(context: NemesisContext): Promise<void> {
  await Promise.all(context.cluster.nodes.filter((node) => node.isRunning()).map((node) => node.resume()));
}
