// What a conformance spec is: one documented guarantee of Kafka, stated in a sentence with its
// source, as a fast-check property that runs against any target (reference, Kafka, external).
import type fc from "fast-check";
import type { ClusterAccess } from "../harness/clients/workload-client.ts";
import type { Cluster } from "../harness/targets/target.ts";

/** The cluster a spec runs against, and how clients reach it. */
export interface SpecTarget {
  readonly cluster: Cluster;
  /** Bootstrap, security and detours (around harness proxies); defaults to the cluster's own. */
  readonly access: ClusterAccess;
}

/** What a spec's property gets from the runner. */
export interface SpecContext {
  readonly target: SpecTarget;
  /**
   * A name no other spec, run or earlier run on the same cluster uses: topics and groups are
   * never shared, so a spec sees only its own records.
   */
  unique(label: string): string;
  /** Progress for the person watching (quiet in tests). */
  say(message: string): void;
}

export interface Spec {
  /** Kebab-case, after the guarantee: "ordering-within-partition". */
  readonly name: string;
  /** The guarantee in one sentence. */
  readonly guarantee: string;
  /** Where Kafka promises it: the seed notes' section and Kafka's documentation. */
  readonly source: string;
  /** Runs of the property; each talks to a live cluster, so keep it small. */
  readonly numRuns: number;
  /** Budget for the runs and shrinking together; past it the property stops (not a failure). */
  readonly timeLimitMs: number;
  /**
   * The spec needs the cluster to itself: it kills, stops, pauses or wipes brokers, or compares
   * cluster-wide state that other specs' topics would disturb. runSpecs runs it with no other spec
   * at the same time; the others share the cluster, each on topics and groups of its own.
   */
  readonly exclusive?: boolean;
  /**
   * Why the spec cannot run against this target (too few brokers, not owned, no racks...), or
   * undefined; may ask the cluster (its configuration) before deciding.
   */
  unavailable?(target: SpecTarget): string | undefined | Promise<string | undefined>;
  /**
   * The property. It throws (an assertion, or a SpecViolation carrying evidence) when the target
   * breaks the guarantee; it must leave the cluster as it found it (restart what it killed).
   */
  property(context: SpecContext): fc.IAsyncPropertyWithHooks<any>;
}

/** A spec's preconditions on the target, shared by the specs that need brokers of their own. */
export function needsOwnedBrokers(target: SpecTarget, brokers: number, why: string): string | undefined {
  if (!target.cluster.owned) return `the target is not a cluster kconform started, and ${why} needs to kill, pause or wipe its brokers`;
  const have = target.cluster.nodes.filter((node) => node.roles.includes("broker")).length;
  if (have < brokers) return `${why} needs at least ${brokers} brokers; the target has ${have}`;
  return undefined;
}

/** The spec target for a cluster reached directly (no proxies in between). */
export function specTargetOf(cluster: Cluster, access?: ClusterAccess): SpecTarget {
  return { cluster, access: access ?? { bootstrap: cluster.bootstrap, security: cluster.security } };
}
