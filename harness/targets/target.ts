// The contract every target implements: a running cluster the workloads can reach, and — when the
// harness started it itself — handles on its nodes for the destructive faults.
import type { BrokerNetwork } from "../nemesis/fault.ts";

export type TargetKind = "reference" | "kafka" | "external" | "testcontainers";
export type NodeRole = "broker" | "controller";

/** How clients authenticate and encrypt; empty for the plaintext clusters the harness starts. */
export interface ClientSecurity {
  ssl?: boolean | { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
  sasl?: { mechanism: "plain" | "scram-sha-256" | "scram-sha-512"; username: string; password: string };
}

/** One node (process) of a cluster the harness owns. */
export interface ClusterNode {
  readonly nodeId: number;
  readonly roles: readonly NodeRole[];
  readonly dataDir: string;
  readonly logFile: string;
  /** The address brokers advertise to clients (the Toxiproxy proxy's, when one fronts the node). */
  readonly clientAddress?: string;
  pid(): number | undefined;
  isRunning(): boolean;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Graceful stop (SIGTERM, then SIGKILL after a bound). */
  stop(): Promise<void>;
  /** Start a stopped or killed node again with the same identity and data directory. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Delete the node's data ("permanent loss"); the node must not be running. */
  wipe(): Promise<void>;
}

export interface Cluster {
  readonly target: TargetKind;
  /** Client bootstrap addresses, host:port. */
  readonly bootstrap: readonly string[];
  /** Nodes the harness owns; empty for clusters it only attached to. */
  readonly nodes: readonly ClusterNode[];
  /** Destructive faults (kill, pause, wipe, partition) are allowed only when true. */
  readonly owned: boolean;
  readonly security: ClientSecurity;
  /** Directory with this cluster's logs and data, when the harness started it. */
  readonly runDir?: string;
  /** Partitions between the nodes: present when each node runs in its own network namespace. */
  readonly brokerNetwork?: BrokerNetwork;
  /** Stop everything this cluster started; safe to call twice. */
  stop(): Promise<void>;
}
