// What the nemesis knows about a cluster when it aims a fault: which nodes exist, who leads each
// partition of the workload topic, who follows, and which node is the active controller.
import type { Cluster } from "../targets/target.ts";

export interface ClusterView {
  /** Node ids that serve clients. */
  brokers: number[];
  /** Every node id the harness may act on (brokers and dedicated controllers). */
  nodes: number[];
  /** Partition index of the workload topic to its leader (-1: none). */
  leaders: Record<number, number>;
  replicas: Record<number, number[]>;
  isr: Record<number, number[]>;
  /** The leader of the KRaft metadata quorum, when known. */
  controller?: number;
}

/**
 * The view with every node of a cluster the harness started, dedicated controllers included: the
 * brokers' metadata names only brokers, yet cutting a leader off from "all others" must cut it
 * off from the controller quorum too, or it is never fenced and keeps leading.
 */
export function withOwnedNodes(view: ClusterView, cluster: Pick<Cluster, "owned" | "nodes">): ClusterView {
  if (!cluster.owned) return view;
  const nodes = [...new Set([...view.nodes, ...cluster.nodes.map((node) => node.nodeId)])].sort((a, b) => a - b);
  return { ...view, nodes };
}
