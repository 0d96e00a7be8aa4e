// An in-process cluster for replication tests: N brokers, each with its own simulated disk, replica
// manager, purgatory, replication service and the real API handlers, sharing one controller (a
// metadata quorum the test drives) over a LoopbackNetwork, all on one ManualClock. Time moves only
// when the test says so; settle() lets every message in flight arrive.
import { ApiDispatcher } from "../apis/dispatcher.ts";
import { BROKER_APIS } from "../broker/api-table.ts";
import { fenceBroker, registerBroker } from "../broker/broker-registration.ts";
import type { BrokerContext } from "../broker/context.ts";
import { DelayedOperations } from "../broker/delayed-operations.ts";
import { LocalProducerIdBlocks } from "../broker/local-producer-id-blocks.ts";
import type { Partition } from "../broker/partition.ts";
import { ReplicaManager } from "../broker/replica-manager.ts";
import { SingleNodeQuorum } from "../broker/single-node-quorum.ts";
import { TopicAdmin } from "../broker/topic-admin.ts";
import { BrokerConfig } from "../config/broker-config.ts";
import { GroupService } from "../group-service/group-service.ts";
import { ManualClock } from "../io/clock.ts";
import { MemoryDisk } from "../io/memory-disk.ts";
import { buildRecordBatch, type RecordInput } from "../log/batch-builder.ts";
import { splitBatches } from "../log/record-batch.ts";
import { lineLogger, type Logger } from "../logger.ts";
import { planCreateTopic, planUncleanElections } from "../metadata/controller-logic.ts";
import { effectiveTopicConfig } from "../metadata/topic-config.ts";
import { ProducerIdManager } from "../producers/producer-ids.ts";
import { ErrorCode, errorByCode } from "../protocol/errors.ts";
import { ApiKey, type FetchResponsePartitionData } from "../protocol/generated/messages.ts";
import type { BrokerChannel } from "./broker-channel.ts";
import { KAFKA_FETCHER_DEFAULTS, type ReplicaFetcherSettings } from "./fetcher-settings.ts";
import { QuorumIsrChangeChannel } from "./isr-change-channel.ts";
import { LoopbackNetwork } from "./loopback-network.ts";
import { replicaSelectorFor } from "./replica-selector.ts";
import { ReplicationService } from "./replication-service.ts";

/** The test's own address on the loopback network, as a client. */
const CLIENT = 1000;
const PORT = 9092;
export const START_MS = 1_700_000_000_000;

export interface TestClusterOptions {
  nodes: number;
  /** Broker settings for every node (key=value). */
  config?: readonly string[];
  /** broker.rack per node, in node id order (ids start at 1). */
  racks?: readonly (string | null)[];
  fetcherSettings?: Partial<ReplicaFetcherSettings>;
  /** Log lines of every node, for a failing test's diagnosis. */
  sink?: (line: string) => void;
}

export interface ProduceOutcome {
  error: string;
  baseOffset: number;
}

export interface ProduceOptions {
  acks?: -1 | 0 | 1;
  timeoutMs?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
}

/** One broker of the cluster: its disk survives a kill unless the test wipes it. */
export class TestNode {
  constructor(
    readonly nodeId: number,
    readonly disk: MemoryDisk,
    readonly context: BrokerContext,
    readonly replication: ReplicationService,
    private readonly unsubscribe: () => void,
  ) {}

  partition(topic: string, partition: number): Partition {
    const replica = this.context.replicas.partition(topic, partition);
    if (!replica) throw new Error(`node ${this.nodeId} hosts no replica of ${topic}-${partition}`);
    return replica;
  }

  /** The process is gone: nothing of it runs any more; its files stay as written. */
  async halt(): Promise<void> {
    this.unsubscribe();
    await this.replication.stop();
    this.context.purgatory.shutdown();
    this.context.replicas.close();
  }
}

export class TestCluster {
  readonly clock = new ManualClock(START_MS);
  readonly network = new LoopbackNetwork();
  readonly nodes = new Map<number, TestNode>();
  /** Every node's disk, kept across kills: a restart finds what the node had written. */
  private readonly disks = new Map<number, MemoryDisk>();
  private readonly config: BrokerConfig;
  private readonly logger: Logger;
  private readonly fetcherSettings: ReplicaFetcherSettings;
  private readonly channels = new Map<number, BrokerChannel>();

  private constructor(
    private readonly options: TestClusterOptions,
    readonly controller: SingleNodeQuorum,
  ) {
    this.config = BrokerConfig.parse([...(options.config ?? [])]);
    this.logger = lineLogger("cluster", { level: "debug", sink: options.sink ?? (() => {}) });
    this.fetcherSettings = { ...KAFKA_FETCHER_DEFAULTS, maxWaitMs: this.config.int("replica.fetch.wait.max.ms"), ...options.fetcherSettings };
  }

  static async start(options: TestClusterOptions): Promise<TestCluster> {
    const controller = new SingleNodeQuorum(new MemoryDisk(), "/controller", lineLogger("controller", { sink: () => {} }));
    await controller.start();
    const cluster = new TestCluster(options, controller);
    for (let id = 1; id <= options.nodes; id++) await cluster.startNode(id);
    return cluster;
  }

  node(nodeId: number): TestNode {
    const node = this.nodes.get(nodeId);
    if (!node) throw new Error(`node ${nodeId} is not running`);
    return node;
  }

  /** Starts (or restarts) a node on `disk` and registers it with the controller, unfenced. */
  async startNode(nodeId: number, disk: MemoryDisk = this.disks.get(nodeId) ?? new MemoryDisk()): Promise<TestNode> {
    this.disks.set(nodeId, disk);
    const rack = this.options.racks?.[nodeId - 1] ?? null;
    const config = rack === null ? this.config : this.config.with(new Map([["broker.rack", rack]]));
    const logger = this.logger.child(`node-${nodeId}`);
    const dataDir = `/node-${nodeId}`;
    disk.mkdirs(dataDir);
    const controller = this.controller;
    const purgatory = new DelayedOperations(this.clock);
    const replicas = new ReplicaManager({
      nodeId,
      dataDir,
      config,
      disk,
      clock: this.clock,
      logger: logger.child("replicas"),
      onPartitionChange: (key) => purgatory.checkAndComplete(key),
      replication: { isrChangeChannel: new QuorumIsrChangeChannel(controller), isReplicaIsrEligible: (id) => controller.image.isLive(id) },
    });
    replicas.load(controller.image);
    const unsubscribeReplicas = controller.subscribe((records, image) => replicas.onMetadata(records, image));
    const replication = new ReplicationService({
      nodeId,
      config,
      clock: this.clock,
      logger: logger.child("replication"),
      hostedReplicas: () => replicas.partitions(),
      metadata: controller,
      channelFactory: this.network.channelFactory(nodeId),
      fetcherSettings: this.fetcherSettings,
    });
    const topics = new TopicAdmin(controller, config);
    let dispatcher: ApiDispatcher<BrokerContext> | undefined;
    const context: BrokerContext = {
      nodeId,
      clusterId: "test-cluster",
      config,
      clock: this.clock,
      logger,
      quorum: controller,
      replicas,
      topics,
      producerIds: new ProducerIdManager(new LocalProducerIdBlocks(disk, dataDir)),
      purgatory,
      groups: new GroupService({ config, clock: this.clock, logger: logger.child("groups"), metadata: controller, topics, replicas, purgatory }),
      replicaSelector: replicaSelectorFor(config.get("replica.selector.class")),
      advertisedApis: () => dispatcher?.advertised() ?? [],
    };
    dispatcher = new ApiDispatcher(BROKER_APIS, context);
    this.network.reconnect(nodeId);
    this.network.attach(nodeId, dispatcher);
    replication.start();
    await registerBroker(controller, { brokerId: nodeId, host: `node-${nodeId}`, port: PORT, rack }, config);
    const node = new TestNode(nodeId, disk, context, replication, unsubscribeReplicas);
    this.nodes.set(nodeId, node);
    await this.settle();
    return node;
  }

  /**
   * SIGKILL: the node stops at once, its links fail, and the controller fences it as a missed
   * session would (leaders move to the rest of the ISR, or nowhere).
   */
  async killNode(nodeId: number): Promise<void> {
    const node = this.node(nodeId);
    this.network.disconnect(nodeId);
    this.network.detach(nodeId);
    this.nodes.delete(nodeId);
    this.channels.get(nodeId)?.close();
    this.channels.delete(nodeId);
    await node.halt();
    await fenceBroker(this.controller, nodeId, this.config);
    await this.settle();
  }

  /** Creates a topic with the given replica lists (the first replica of each leads). */
  async createTopic(name: string, assignments: readonly number[][], configs: Record<string, string> = {}): Promise<void> {
    const plan = await this.controller.write((image) =>
      planCreateTopic(
        image,
        {
          name,
          numPartitions: -1,
          replicationFactor: -1,
          assignments: assignments.map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds: [...brokerIds] })),
          configs: Object.entries(configs).map(([key, value]) => ({ name: key, value })),
        },
        { numPartitions: 1, replicationFactor: 1 },
      ),
    );
    if (!plan.ok) throw new Error(`creating ${name} failed: ${plan.error}: ${plan.message}`);
    await this.settle();
  }

  async setTopicConfig(topic: string, name: string, value: string): Promise<void> {
    await this.controller.write(() => ({ ok: true, records: [{ type: "config", resourceType: "topic", resourceName: topic, name, value }] }));
    await this.settle();
  }

  /** The controller elects an out-of-sync live replica where topics allow it (unclean.leader.election.enable). */
  async electUncleanLeaders(): Promise<void> {
    await this.controller.write((image) =>
      planUncleanElections(image, (topic) => effectiveTopicConfig(image.configOverrides("topic", topic), this.config.values).uncleanLeaderElection),
    );
    await this.settle();
  }

  /** The partition's state in the controller's committed metadata. */
  state(topic: string, partition: number) {
    const state = this.controller.image.partition(topic, partition);
    if (!state) throw new Error(`no partition ${topic}-${partition}`);
    return state;
  }

  leaderOf(topic: string, partition: number): TestNode {
    return this.node(this.state(topic, partition).leader);
  }

  /**
   * Sends one batch of `values` to a node with Produce v9; the promise settles when the broker
   * answers (acks=all waits for the ISR), so tests can look at it before and after.
   */
  async produce(nodeId: number, topic: string, partition: number, values: readonly string[], options: ProduceOptions = {}): Promise<ProduceOutcome> {
    const records: RecordInput[] = values.map((value) => ({ value }));
    const batch = buildRecordBatch({
      records,
      timestamp: this.clock.nowMs(),
      ...(options.producerId !== undefined ? { producerId: options.producerId, producerEpoch: options.producerEpoch ?? 0, baseSequence: options.baseSequence ?? 0 } : {}),
    });
    const response = await this.channel(nodeId).send(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: options.acks ?? -1,
      timeoutMs: options.timeoutMs ?? 30_000,
      topicData: [{ name: topic, partitionData: [{ index: partition, records: batch }] }],
    });
    const answer = response.responses[0].partitionResponses[0];
    return { error: errorName(answer.errorCode), baseOffset: Number(answer.baseOffset) };
  }

  /** A consumer's Fetch (v12 unless told) of one partition from a node, answered at once. */
  async fetch(nodeId: number, topic: string, partition: number, fetchOffset: number, options: { rackId?: string; version?: number; currentLeaderEpoch?: number } = {}): Promise<FetchResponsePartitionData> {
    const response = await this.channel(nodeId).send(ApiKey.Fetch, options.version ?? 12, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 4 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, fetchOffset: BigInt(fetchOffset), currentLeaderEpoch: options.currentLeaderEpoch ?? -1, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024 * 1024 }] }],
      forgottenTopicsData: [],
      rackId: options.rackId ?? "",
    });
    return response.responses[0].partitions[0];
  }

  /** Every value a consumer can read from a node's replica, from offset 0 up to that node's high watermark. */
  async readValues(nodeId: number, topic: string, partition: number): Promise<string[]> {
    const values: string[] = [];
    let offset = 0;
    for (;;) {
      const data = await this.fetch(nodeId, topic, partition, offset, { version: 11 });
      if (data.errorCode !== ErrorCode.NONE) throw new Error(`fetch from node ${nodeId} failed: ${errorName(data.errorCode)}`);
      const read = valuesOf(data.records ?? Buffer.alloc(0));
      if (read.nextOffset === undefined) return values;
      values.push(...read.values);
      offset = read.nextOffset;
    }
  }

  /** The values stored in a node's replica, committed or not, in offset order (read from its log, not fetched). */
  storedValues(nodeId: number, topic: string, partition: number): string[] {
    const log = this.node(nodeId).partition(topic, partition).log;
    const values: string[] = [];
    for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
      const read = valuesOf(log.read(offset, { maxBytes: 1 << 20 }));
      values.push(...read.values);
      offset = read.nextOffset ?? log.logEndOffset;
    }
    return values;
  }

  /** Lets every message in flight arrive and every handler run (no time passes). */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Moves time forward in steps, settling after each, so timers and traffic interleave. */
  async advance(ms: number, stepMs = 50): Promise<void> {
    await this.settle();
    for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
      this.clock.advance(Math.min(stepMs, ms - elapsed));
      await this.settle();
    }
  }

  async shutdown(): Promise<void> {
    for (const channel of this.channels.values()) channel.close();
    for (const node of this.nodes.values()) await node.halt();
    this.nodes.clear();
    await this.controller.stop();
  }

  private channel(nodeId: number): BrokerChannel {
    let channel = this.channels.get(nodeId);
    if (!channel) this.channels.set(nodeId, (channel = this.network.channelFactory(CLIENT)({ nodeId, host: `node-${nodeId}`, port: PORT })));
    return channel;
  }
}

/** The record values of whole batches, and the offset after the last (undefined when there was none). */
function valuesOf(records: Buffer): { values: string[]; nextOffset: number | undefined } {
  const values: string[] = [];
  let nextOffset: number | undefined;
  for (const batch of splitBatches(records).batches) {
    for (const record of batch.records()) values.push(record.value?.toString() ?? "");
    nextOffset = batch.nextOffset;
  }
  return { values, nextOffset };
}

/** Tracks a promise so a test can ask whether it settled yet (a rejection, at shutdown, is ignored). */
export function watch<T>(promise: Promise<T>): { settled: () => T | undefined } {
  let value: T | undefined;
  promise.then(
    (v) => (value = v),
    () => {},
  );
  return { settled: () => value };
}

export function errorName(code: number): string {
  return errorByCode(code)?.name ?? `error ${code}`;
}
