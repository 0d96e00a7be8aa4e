// The contract of a fault package (Jepsen's nemesis role, one fault per file): how to start it
// on resolved targets, how to stop it, how to heal whatever it may have left at the end of a run,
// and how reports draw it. The context says what the harness can reach on this cluster.
import { KconformError } from "../errors.ts";
import type { Grudge } from "../net/netns/grudge.ts";
import type { FaultHandle } from "../net/toxiproxy/network.ts";
import type { ToxicOptions, ToxicSpec } from "../net/toxiproxy/toxics.ts";
import type { Cluster, ClusterNode } from "../targets/target.ts";
import type { ClusterView } from "./cluster-view.ts";
import type { TargetSpec } from "./targeting.ts";

/** Toxiproxy in front of each node's client listener. */
export interface ClientLinks {
  /** The proxy between clients and this node, if there is one. */
  proxyOf(nodeId: number): string | undefined;
  addToxic(proxy: string, spec: ToxicSpec, options?: ToxicOptions): Promise<FaultHandle>;
  down(proxy: string): Promise<FaultHandle>;
  healAll(): Promise<void>;
}

/**
 * Packet filtering between brokers (harness/net/netns): each broker in its own network namespace.
 * NamespaceNetwork implements it; a target provides it only when its brokers run in namespaces.
 */
export interface BrokerNetwork {
  partition(grudge: Grudge): Promise<void>;
  heal(): Promise<void>;
}

export interface NemesisContext {
  readonly cluster: Cluster;
  readonly links?: ClientLinks;
  readonly network?: BrokerNetwork;
  /** Why `network` is missing, said once in the run's notes. */
  readonly networkUnavailable?: string;
  /** The workload topic: partitions in targets ("leader:0") and disk faults refer to it. */
  readonly topic: string;
  /** The cluster as it is now: leaders, replicas, ISR, active controller. */
  observe(): Promise<ClusterView>;
}

/** What decides whether a fault can run at all: ownership, Toxiproxy, namespaces. */
export type Capabilities = Pick<NemesisContext, "cluster" | "links" | "network" | "networkUnavailable">;

export type FaultFamily = "client-link" | "process" | "disk" | "network";

export interface FaultStart {
  /** The target as scheduled, and the node ids it resolved to. */
  target: TargetSpec;
  nodes: number[];
  view: ClusterView;
  params: Record<string, unknown>;
}

export interface ActiveFault {
  /** What it hit, for the history and the report: "node 2", "proxy kafka-1". */
  targets: string[];
  /** Undo it: restart, resume, remove the toxic, heal the partition. */
  stop(): Promise<void>;
}

export interface FaultPackage {
  readonly name: string;
  readonly family: FaultFamily;
  readonly label: string;
  /** CSS colour of its shading on timelines and charts. */
  readonly color: string;
  /** Why it cannot run against this context (not owned, no Toxiproxy, no namespaces), or undefined. */
  unavailable(capabilities: Capabilities): string | undefined;
  start(context: NemesisContext, start: FaultStart): Promise<ActiveFault>;
  /** Heal-at-end: leave nothing of this fault behind, whatever state a run stopped in. */
  heal(context: NemesisContext): Promise<void>;
}

/** A fault could not be applied as asked; the run goes on and the history records the failure. */
export class FaultError extends KconformError {
  constructor(fault: string, message: string, context: Record<string, unknown> = {}) {
    super(`${fault}: ${message}`, "fault-failed", { fault, ...context });
  }
}

export function nodeOf(context: NemesisContext, nodeId: number, fault: string): ClusterNode {
  const node = context.cluster.nodes.find((candidate) => candidate.nodeId === nodeId);
  if (node === undefined) throw new FaultError(fault, `the cluster has no node ${nodeId} the harness can act on`, { nodeId });
  return node;
}

/** Why a fault that acts on processes or disks cannot run here. */
export function destructiveUnavailable(context: Capabilities): string | undefined {
  if (!context.cluster.owned) return `${context.cluster.target} clusters are not the harness's to kill, pause or wipe: only client-link faults apply`;
  if (context.cluster.nodes.length === 0) return "the target exposes no node handles";
  return undefined;
}

export function linksUnavailable(context: Capabilities): string | undefined {
  return context.links === undefined ? "no Toxiproxy sits between the clients and the brokers" : undefined;
}

export function networkUnavailable(context: Capabilities): string | undefined {
  if (context.network !== undefined) return undefined;
  return context.networkUnavailable ?? "the brokers do not run in network namespaces, so they cannot be partitioned from each other";
}

/** A number parameter, or the default when the schedule left it out. */
export function numberParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const value = params[name];
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
