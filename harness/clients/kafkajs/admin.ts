// The harness's own admin client on kafkajs: creating the workload topic, looking at the cluster
// for the nemesis (leaders, replicas, ISR, the active controller), end offsets for the final read,
// and waiting until a healed cluster serves every partition again.
import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, type Admin } from "kafkajs";
import { CouldNotRunError } from "../../errors.ts";
import type { ClusterView } from "../../nemesis/cluster-view.ts";
import { describeQuorumLeader } from "../describe-quorum.ts";
import { settleWithin } from "../deadline.ts";
import { DEFAULT_TIMEOUTS } from "../settings.ts";
import type { ClusterAccess, ClusterAdmin, TopicSpec } from "../workload-client.ts";
import { workerKafkaConfig } from "./config.ts";
import { describeKafkaJsError } from "./outcome.ts";

export class AdminError extends CouldNotRunError {
  constructor(message: string, context: Record<string, unknown>, cause?: unknown) {
    super(message, "admin-failed", context, cause === undefined ? undefined : { cause });
  }
}

function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

export class KafkaJsAdmin implements ClusterAdmin {
  private admin: Admin | undefined;

  constructor(
    private readonly access: ClusterAccess,
    private readonly timeoutMs = 15_000,
  ) {}

  private async connected(): Promise<Admin> {
    if (this.admin !== undefined) return this.admin;
    const admin = new Kafka(workerKafkaConfig(this.access, "kconform-admin", { ...DEFAULT_TIMEOUTS, operationMs: this.timeoutMs })).admin();
    const settled = await settleWithin(admin.connect(), this.timeoutMs);
    if (settled.outcome !== "resolved") {
      await admin.disconnect().catch(() => undefined);
      const why = settled.outcome === "timeout" ? `no answer within ${settled.afterMs} ms` : describeKafkaJsError(settled.error);
      throw new AdminError(`cannot connect an admin client to ${this.access.bootstrap.join(",")}: ${why}`, { bootstrap: this.access.bootstrap });
    }
    this.admin = admin;
    return admin;
  }

  /** A bounded admin call; failures become AdminError naming what was asked. */
  private async call<T>(what: string, request: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.connected();
    const settled = await settleWithin(request(admin), this.timeoutMs);
    if (settled.outcome === "resolved") return settled.value;
    const why = settled.outcome === "timeout" ? `no answer within ${settled.afterMs} ms` : describeKafkaJsError(settled.error);
    throw new AdminError(`admin could not ${what}: ${why}`, { what }, settled.outcome === "rejected" ? settled.error : undefined);
  }

  async createTopic(spec: TopicSpec): Promise<void> {
    const created = await this.call(`create topic ${spec.topic}`, (admin) =>
      admin.createTopics({
        waitForLeaders: true,
        timeout: this.timeoutMs,
        topics: [
          {
            topic: spec.topic,
            numPartitions: spec.partitions,
            replicationFactor: spec.replicationFactor,
            configEntries: Object.entries(spec.config).map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    );
    if (!created) throw new AdminError(`topic ${spec.topic} already exists`, { topic: spec.topic });
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.call(`delete topic ${topic}`, (admin) => admin.deleteTopics({ topics: [topic], timeout: this.timeoutMs }));
  }

  /** Next offset to be written (the high watermark) per partition. */
  async endOffsets(topic: string): Promise<Map<number, number>> {
    const offsets = await this.call(`fetch end offsets of ${topic}`, (admin) => admin.fetchTopicOffsets(topic));
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /** Leaders, replicas and ISR of `topic`, the brokers, and the KRaft quorum leader when it answers. */
  async view(topic: string): Promise<ClusterView> {
    const cluster = await this.call("describe the cluster", (admin) => admin.describeCluster());
    const metadata = await this.call(`fetch metadata of ${topic}`, (admin) => admin.fetchTopicMetadata({ topics: [topic] }));
    const partitions = metadata.topics[0]?.partitions ?? [];
    const brokers = cluster.brokers.map((broker) => broker.nodeId).sort((a, b) => a - b);
    const view: ClusterView = {
      brokers,
      nodes: [...brokers],
      leaders: Object.fromEntries(partitions.map((p) => [p.partitionId, p.leader])),
      replicas: Object.fromEntries(partitions.map((p) => [p.partitionId, [...p.replicas]])),
      isr: Object.fromEntries(partitions.map((p) => [p.partitionId, [...p.isr]])),
    };
    const controller = await this.quorumLeader();
    return controller === undefined ? view : { ...view, controller };
  }

  /** Asks each bootstrap broker in turn; undefined when none can say (a broker without KRaft). */
  private async quorumLeader(): Promise<number | undefined> {
    for (const address of this.access.bootstrap) {
      const { host, port } = splitAddress(this.access.detours?.get(address) ?? address);
      try {
        const { leaderId } = await describeQuorumLeader(host, port, Math.min(this.timeoutMs, 5_000));
        if (leaderId >= 0) return leaderId;
      } catch {
        // This broker is down or does not speak DescribeQuorum: ask the next one.
      }
    }
    return undefined;
  }

  /**
   * Waits until every partition of `topic` has a leader and at least `minIsr` in-sync replicas,
   * and `brokers` brokers are registered. Returns what was still missing at the deadline.
   */
  async waitUntilServing(topic: string, options: { brokers: number; minIsr: number; timeoutMs: number }): Promise<string | undefined> {
    const deadline = performance.now() + options.timeoutMs;
    let missing = "nothing seen yet";
    for (;;) {
      try {
        const view = await this.view(topic);
        const partitions = Object.keys(view.leaders).map(Number);
        const leaderless = partitions.filter((p) => view.leaders[p] < 0);
        const underReplicated = partitions.filter((p) => (view.isr[p] ?? []).length < options.minIsr);
        if (view.brokers.length >= options.brokers && partitions.length > 0 && leaderless.length === 0 && underReplicated.length === 0) return undefined;
        missing = `${view.brokers.length}/${options.brokers} brokers registered; partitions without leader: [${leaderless.join(", ")}]; with fewer than ${options.minIsr} in sync: [${underReplicated.join(", ")}]`;
      } catch (error) {
        missing = (error as Error).message;
        // A fresh connection next time: the old one may point at a broker that died.
        await this.close();
      }
      if (performance.now() > deadline) return missing;
      await sleep(500);
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
