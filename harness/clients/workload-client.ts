// The contract between the runner and a workload client (Jepsen's client role): the runner hands it
// one operation at a time and records what comes back; the client turns the operation into
// requests and completes it as ok, fail (it surely did not happen) or info (it may have happened).
// kafkajs implements it first; librdkafka or Java workers implement the same interface.
import type { MicroOp, PartitionName, RebalanceEvent, RecordValue } from "../history/types.ts";
import type { ClusterView } from "../nemesis/cluster-view.ts";
import type { Cluster } from "../targets/target.ts";
import type { ClientSpec } from "./settings.ts";

/** How workers reach a cluster: its bootstrap and security, and proxies to go through. */
export interface ClusterAccess extends Pick<Cluster, "bootstrap" | "security"> {
  /** Broker address ("host:port") to the address to connect to instead (a harness-run proxy). */
  readonly detours?: ReadonlyMap<string, string>;
}

/** One record to send: to a given partition, or to the topic when the partitioner chooses. */
export interface SendSpec {
  topic: string;
  partition?: number;
  value: RecordValue;
  /** Keyed sends carry a key; null or absent for unkeyed ones. */
  key?: string | null;
}

export type ClientOperation =
  /** Sends the records in one produce call, in order. */
  | { f: "send"; sends: SendSpec[] }
  /** Takes what the consumer fetched (waiting up to the client's poll timeout); may be empty. */
  | { f: "poll" }
  /** Commits, for the consumer's group, the position after the last record polled per partition. */
  | { f: "commit" }
  /** Consume exactly these partitions outside any group, optionally from their beginning. */
  | { f: "assign"; partitions: PartitionName[]; seekToBeginning: boolean }
  /** Join `group` and consume what its assignment gives this member. */
  | { f: "subscribe"; topics: string[]; group: string };

export type ClientF = ClientOperation["f"];

/** How an operation ended, with the value the history records for its completion. */
export interface Completion {
  type: "ok" | "fail" | "info";
  /** send/poll: micro-ops; assign/subscribe: partitions or topics; commit: partition to offset. */
  value: MicroOp[] | PartitionName[] | Record<PartitionName, number>;
  /** In the client's words, for fail and info. */
  error?: string;
  /** Group members: ownership changes seen since the previous completion of this client. */
  rebalance?: RebalanceEvent[];
  /** Group members: the generation the client was in when the operation completed. */
  generation?: number;
  /** subscribe and commit: the consumer group (assign consumers commit into a private one). */
  group?: string;
}

/** Something the client did on its own between operations (e.g. an automatic offset commit). */
export interface ObservedOperation {
  f: "commit";
  value: Record<PartitionName, number>;
  group: string;
  generation?: number;
}

export interface WorkloadClient {
  /** The history's process number of this worker. */
  readonly process: number;
  /** Client library and version, for reports: "kafkajs 2.2.4". */
  readonly library: string;
  /**
   * Connects. Rejects when the cluster cannot be reached; the runner retries later. Nothing about
   * the workload has happened yet, so this is not an operation of the history.
   */
  open(): Promise<void>;
  /** Never rejects: every failure becomes a fail or info completion. */
  invoke(operation: ClientOperation): Promise<Completion>;
  /** Background operations since the last call, to be recorded between two invocations. */
  takeObserved(): ObservedOperation[];
  /** Why the client cannot go on and must be closed and reopened, or undefined while it can. */
  broken(): string | undefined;
  /** Disconnects; safe to call twice, never rejects. */
  close(): Promise<void>;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

/** The harness's own requests to the cluster: the workload topic, and what the nemesis and the final read need to know. */
export interface ClusterAdmin {
  createTopic(spec: TopicSpec): Promise<void>;
  deleteTopic(topic: string): Promise<void>;
  /** Next offset to be written (the high watermark) per partition. */
  endOffsets(topic: string): Promise<Map<number, number>>;
  /** Brokers, leaders, replicas and ISR of `topic`, and the active controller when known. */
  view(topic: string): Promise<ClusterView>;
  /** Waits until every partition has a leader and `minIsr` in-sync replicas; returns what was still missing. */
  waitUntilServing(topic: string, options: { brokers: number; minIsr: number; timeoutMs: number }): Promise<string | undefined>;
  close(): Promise<void>;
}

/** Builds the workers of one client library, and the admin client the harness itself uses. */
export interface ClientFactory {
  readonly library: string;
  create(spec: ClientSpec, access: ClusterAccess): WorkloadClient;
  admin(access: ClusterAccess): ClusterAdmin;
}

/** The invocation's value as the history writes it: sends without offsets, a bare poll. */
export function invokeValue(operation: ClientOperation): MicroOp[] | PartitionName[] | Record<PartitionName, number> {
  switch (operation.f) {
    case "send":
      return operation.sends.map((send): MicroOp => {
        const target = sendTarget(send);
        return send.key === undefined ? ["send", target, send.value] : ["send", target, send.value, { key: send.key }];
      });
    case "poll":
      return [["poll"]];
    case "commit":
      return {};
    case "assign":
      return [...operation.partitions];
    case "subscribe":
      return [...operation.topics];
  }
}

/** What a send's micro-op names: its partition, or its topic when the partitioner chooses. */
export function sendTarget(send: SendSpec): PartitionName {
  return send.partition === undefined ? send.topic : partitionName(send.topic, send.partition);
}

/** "orders-2" for partition 2 of topic "orders". */
export function partitionName(topic: string, partition: number): PartitionName {
  return `${topic}-${partition}`;
}

const PARTITION = /^(.+)-(\d+)$/;

/** The topic and partition of "orders-2"; undefined for a bare topic name. */
export function parsePartitionName(name: PartitionName): { topic: string; partition: number } | undefined {
  const match = PARTITION.exec(name);
  return match ? { topic: match[1], partition: Number(match[2]) } : undefined;
}
