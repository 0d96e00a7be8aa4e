// Plumbing of the reference-cluster integration tests: a real multi-process cluster on free ports in
// a temporary run directory (SIGKILLed and deleted afterwards, also on failure), each broker's own
// Metadata view over the wire, and the active controller as the harness's DescribeQuorum sees it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeQuorumLeader } from "../../harness/clients/describe-quorum.ts";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { startReferenceCluster, type ReferenceCluster } from "../../harness/targets/reference/cluster.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { WireClient } from "./reference-wire.ts";

export interface TestCluster {
  cluster: ReferenceCluster;
  /** SIGKILLs every node and deletes the run directory. */
  destroy(): Promise<void>;
}

export async function startTestCluster(shape: { nodes: number; controllers?: number; config?: [string, string][] }): Promise<TestCluster> {
  const runDir = mkdtempSync(join(tmpdir(), "kconform-reference-cluster-"));
  const basePort = await findFreePortBlock(referencePortsNeeded({ brokers: shape.nodes, ...(shape.controllers !== undefined ? { controllers: shape.controllers } : {}) }));
  let cluster: ReferenceCluster;
  try {
    cluster = await startReferenceCluster({ nodes: shape.nodes, ...(shape.controllers !== undefined ? { controllers: shape.controllers } : {}), basePort, runDir, config: shape.config ?? [], startTimeoutMs: 60_000 });
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    throw error;
  }
  return {
    cluster,
    destroy: async () => {
      await cluster.stop({ graceful: false });
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

export interface PartitionView {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

export interface MetadataView {
  brokers: number[];
  topics: Record<string, PartitionView[]>;
}

/** What one broker answers to Metadata v12 for every topic. */
export async function metadataOf(address: string): Promise<MetadataView> {
  const client = await WireClient.connect(address);
  try {
    const response = await client.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const topics: Record<string, PartitionView[]> = {};
    for (const topic of response.topics) {
      topics[topic.name ?? ""] = topic.partitions
        .map((p) => ({ partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch ?? -1, replicas: [...p.replicaNodes], isr: [...p.isrNodes] }))
        .sort((a, b) => a.partition - b.partition);
    }
    return { brokers: response.brokers.map((b) => b.nodeId).sort((a, b) => a - b), topics };
  } finally {
    client.close();
  }
}

/** The active controller according to DescribeQuorum sent to the broker at address. */
export async function activeControllerVia(address: string): Promise<number> {
  const [host, port] = address.split(":");
  return (await describeQuorumLeader(host, Number(port), 5_000)).leaderId;
}

export function addressOf(cluster: ReferenceCluster, nodeId: number): string {
  const address = cluster.nodes.find((node) => node.nodeId === nodeId)?.clientAddress;
  if (address === undefined) throw new Error(`node ${nodeId} has no client listener`);
  return address;
}
