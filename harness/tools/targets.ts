// Starts the broker the client tools run against, Kafka 4.3.1 or the reference broker, the same way
// for both (own run directory, free ports on 127.0.0.1, no proxy), timing spawn → ready.
import { join } from "node:path";
import { findFreePortBlock } from "../proc/ports.ts";
import { startKafkaCluster } from "../targets/kafka/cluster.ts";
import { ensureKafkaJars } from "../targets/kafka/distribution.ts";
import type { ConfigOverride } from "../targets/kafka/properties.ts";
import { portsNeeded } from "../targets/kafka/topology.ts";
import { startReferenceCluster } from "../targets/reference/cluster.ts";
import { referencePortsNeeded } from "../targets/reference/topology.ts";
import type { Cluster } from "../targets/target.ts";

export type ClientTargetKind = "kafka" | "reference";

export const CLIENT_TARGET_KINDS: readonly ClientTargetKind[] = ["kafka", "reference"];

export function describeTarget(kind: ClientTargetKind): string {
  return kind === "kafka" ? "Apache Kafka 4.3.1" : "the reference broker";
}

export interface ClientTargetOptions {
  nodes: number;
  /** The cluster's run directory (config, data, logs). */
  runDir: string;
  /** Broker settings for every node, by Kafka's names. */
  config?: readonly ConfigOverride[];
  /** Extra JVM flags for Kafka's nodes (after kconform's, so they win). */
  kafkaJvmArgs?: readonly string[];
  kafkaHeap?: string;
  onProgress?: (message: string) => void;
}

export interface ClientTarget {
  kind: ClientTargetKind;
  cluster: Cluster;
  bootstrap: string;
  /**
   * From the first spawn until clients can use the cluster. Kafka: storage format (one JVM), the
   * node JVM to "Kafka Server started", and an admin client seeing the broker registered.
   * Reference: the node process to its `ready bootstrap=` line.
   */
  startupMs: number;
}

export async function startClientTarget(kind: ClientTargetKind, options: ClientTargetOptions): Promise<ClientTarget> {
  const common = { nodes: options.nodes, runDir: options.runDir, config: options.config ?? [], ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}) };
  // A cold Maven download of Kafka's jars is not start-up time.
  if (kind === "kafka") await ensureKafkaJars(options.onProgress !== undefined ? { onProgress: options.onProgress } : {});
  const started = performance.now();
  let cluster: Cluster;
  if (kind === "kafka") {
    const basePort = await findFreePortBlock(portsNeeded({ brokers: options.nodes, proxied: false, basePort: 0 }));
    cluster = await startKafkaCluster({
      ...common,
      basePort,
      proxied: false,
      ...(options.kafkaHeap !== undefined ? { heap: options.kafkaHeap } : {}),
      ...(options.kafkaJvmArgs !== undefined ? { jvmArgs: options.kafkaJvmArgs } : {}),
    });
  } else {
    cluster = await startReferenceCluster({ ...common, basePort: await findFreePortBlock(referencePortsNeeded({ brokers: options.nodes })) });
  }
  return { kind, cluster, bootstrap: cluster.bootstrap.join(","), startupMs: performance.now() - started };
}

/** A run directory per target inside `parent`, so both targets' logs survive side by side. */
export function targetRunDir(parent: string, kind: ClientTargetKind): string {
  return join(parent, kind);
}
