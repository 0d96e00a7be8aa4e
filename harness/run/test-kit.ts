// An in-memory cluster for testing the runner without brokers: partition logs in arrays, clients
// that append and read them at once, nodes that can be killed and started, and an optional flaw
// (acknowledge writes without keeping them while a node is down) so tests can see the checker
// and the shrinker find a lost write. Not a broker model: just enough to drive the pipeline.
import type { ClusterView } from "../nemesis/cluster-view.ts";
import type { MicroOp, OffsetValue, PartitionName } from "../history/types.ts";
import type { ClientSpec } from "../clients/settings.ts";
import { partitionName, type ClientFactory, type ClientOperation, type ClusterAdmin, type Completion, type ObservedOperation, type TopicSpec, type WorkloadClient } from "../clients/workload-client.ts";
import type { Cluster, ClusterNode } from "../targets/target.ts";

export class FakeNode implements ClusterNode {
  readonly roles = ["broker", "controller"] as const;
  readonly dataDir = "/nonexistent";
  readonly logFile = "/nonexistent";
  running = true;
  paused = false;
  constructor(readonly nodeId: number) {}
  pid(): number | undefined {
    return this.running ? 1000 + this.nodeId : undefined;
  }
  isRunning(): boolean {
    return this.running;
  }
  async kill(): Promise<void> {
    this.running = false;
  }
  async pause(): Promise<void> {
    this.paused = true;
  }
  async resume(): Promise<void> {
    this.paused = false;
  }
  async stop(): Promise<void> {
    this.running = false;
  }
  async start(): Promise<void> {
    this.running = true;
  }
  async restart(): Promise<void> {
    this.running = true;
  }
  async wipe(): Promise<void> {}
}

export interface FakeClusterOptions {
  nodes: number;
  /** While any node is down, every `n`-th acknowledged write is not kept. */
  loseEveryNthWhileDown?: number;
  /** Topic creation reports an error: after creating the topic (metadata not yet everywhere), or without. */
  failTopicCreation?: "after-creating" | "without-creating";
}

export class FakeCluster implements Cluster {
  readonly target = "reference" as const;
  readonly owned = true;
  readonly security = {};
  readonly bootstrap: readonly string[];
  readonly nodes: FakeNode[];
  readonly logs = new Map<PartitionName, number[]>();
  readonly topics = new Map<string, number>();
  private acknowledged = 0;

  constructor(readonly options: FakeClusterOptions) {
    this.nodes = Array.from({ length: options.nodes }, (_, i) => new FakeNode(i + 1));
    this.bootstrap = this.nodes.map((node) => `fake:${node.nodeId}`);
  }

  async stop(): Promise<void> {}

  /** Appends `value`, or pretends to; returns the offset it was acknowledged at. */
  append(partition: PartitionName, value: number): number {
    const log = this.logs.get(partition) ?? [];
    this.logs.set(partition, log);
    this.acknowledged++;
    const every = this.options.loseEveryNthWhileDown;
    const anyDown = this.nodes.some((node) => !node.running);
    // Acknowledged at the next offset, which the next kept write then takes again.
    if (every !== undefined && anyDown && this.acknowledged % every === 0) return log.length;
    log.push(value);
    return log.length - 1;
  }

  view(topic: string): ClusterView {
    const partitions = this.topics.get(topic) ?? 0;
    const brokers = this.nodes.map((node) => node.nodeId);
    const leaderOf = (p: number) => brokers[p % brokers.length];
    return {
      brokers,
      nodes: brokers,
      leaders: Object.fromEntries(Array.from({ length: partitions }, (_, p) => [p, leaderOf(p)])),
      replicas: Object.fromEntries(Array.from({ length: partitions }, (_, p) => [p, brokers])),
      isr: Object.fromEntries(Array.from({ length: partitions }, (_, p) => [p, brokers])),
      controller: brokers[0],
    };
  }
}

class FakeClient implements WorkloadClient {
  readonly library = "fake 1";
  private positions = new Map<PartitionName, number>();
  private assigned: PartitionName[] = [];

  constructor(
    readonly process: number,
    private readonly cluster: FakeCluster,
  ) {}

  async open(): Promise<void> {}
  takeObserved(): ObservedOperation[] {
    return [];
  }
  broken(): undefined {
    return undefined;
  }
  async close(): Promise<void> {
    this.positions.clear();
    this.assigned = [];
  }

  async invoke(operation: ClientOperation): Promise<Completion> {
    switch (operation.f) {
      case "send":
        return {
          type: "ok",
          value: operation.sends.map((send): MicroOp => {
            const count = this.cluster.topics.get(send.topic) ?? 1;
            const partition = partitionName(send.topic, send.partition ?? send.value % count);
            return ["send", partition, [this.cluster.append(partition, send.value), send.value]];
          }),
        };
      case "assign":
        this.assigned = [...operation.partitions];
        for (const p of this.assigned) this.positions.set(p, operation.seekToBeginning ? 0 : (this.cluster.logs.get(p)?.length ?? 0));
        return { type: "ok", value: [...operation.partitions] };
      case "subscribe": {
        const partitions = operation.topics.flatMap((topic) => Array.from({ length: this.cluster.topics.get(topic) ?? 0 }, (_, p) => partitionName(topic, p)));
        this.assigned = partitions;
        for (const p of partitions) this.positions.set(p, 0);
        return { type: "ok", value: [...operation.topics], group: operation.group, rebalance: [{ type: "assigned", partitions, generation: 1 }], generation: 1 };
      }
      case "poll": {
        const records: Record<PartitionName, OffsetValue[]> = {};
        for (const p of this.assigned) {
          const log = this.cluster.logs.get(p) ?? [];
          const from = this.positions.get(p) ?? 0;
          if (from < log.length) records[p] = log.slice(from).map((value, i): OffsetValue => [from + i, value]);
          this.positions.set(p, log.length);
        }
        return { type: "ok", value: [["poll", records]] };
      }
      case "commit":
        return { type: "ok", value: Object.fromEntries(this.positions) };
    }
  }
}

class FakeAdmin implements ClusterAdmin {
  constructor(private readonly cluster: FakeCluster) {}
  async createTopic(spec: TopicSpec): Promise<void> {
    const failure = this.cluster.options.failTopicCreation;
    if (failure !== "without-creating") this.cluster.topics.set(spec.topic, spec.partitions);
    if (failure !== undefined) throw new Error("This server does not host this topic-partition");
  }
  async deleteTopic(topic: string): Promise<void> {
    this.cluster.topics.delete(topic);
  }
  async endOffsets(topic: string): Promise<Map<number, number>> {
    const partitions = this.cluster.topics.get(topic) ?? 0;
    return new Map(Array.from({ length: partitions }, (_, p) => [p, this.cluster.logs.get(partitionName(topic, p))?.length ?? 0]));
  }
  async view(topic: string): Promise<ClusterView> {
    return this.cluster.view(topic);
  }
  async waitUntilServing(topic: string): Promise<string | undefined> {
    if (!this.cluster.topics.has(topic)) return `no topic ${topic}`;
    return this.cluster.nodes.every((node) => node.running) ? undefined : "a node is down";
  }
  async close(): Promise<void> {}
}

export function fakeClients(cluster: FakeCluster): ClientFactory {
  return {
    library: "fake 1",
    create: (spec: ClientSpec) => new FakeClient(spec.process, cluster),
    admin: () => new FakeAdmin(cluster),
  };
}
