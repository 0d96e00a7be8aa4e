// The node's group coordination (Kafka's GroupCoordinatorService): one GroupCoordinator per
// __consumer_offsets partition this node leads, loaded from the partition's records when leadership
// arrives and unloaded when it leaves (coordinator failover), each group routed to the coordinator
// of the partition its id hashes to, the offsets topic created on first need, and every
// coordinator's session, join and sync deadlines fired from one timer.
import { AUTHORIZED_OPERATIONS_OMITTED } from "../broker/authorized-operations.ts";
import type { BrokerConfig } from "../config/broker-config.ts";
import { partitionForGroup } from "../groups/coordinator-partition.ts";
import { GroupCoordinator } from "../groups/coordinator.ts";
import type { DescribedGroup, ListGroupsRequest, ListGroupsResponse } from "../groups/messages.ts";
import type { GroupRecordStore } from "../groups/records.ts";
import type { Clock, Timer } from "../io/clock.ts";
import type { TopicPartition } from "../log/partition-log.ts";
import type { Logger } from "../logger.ts";
import { CONSUMER_OFFSETS_TOPIC } from "../metadata/topic-names.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { LeadershipSource, MetadataView, OffsetsPartition, Purgatory, TopicCreator } from "./host.ts";
import { readGroupRecords } from "./record-loader.ts";
import { OffsetsTopicRecordStore } from "./record-store.ts";
import { groupCoordinatorConfig, offsetsTopicSpec } from "./settings.ts";

/** What the group API handlers are given: the service, and the metadata to validate topics against. */
export interface GroupApiContext {
  readonly groups: GroupService;
  readonly quorum: MetadataView;
}

export interface GroupServiceOptions {
  config: BrokerConfig;
  clock: Clock;
  logger: Logger;
  metadata: MetadataView;
  topics: TopicCreator;
  replicas: LeadershipSource;
  purgatory: Purgatory;
}

/** Where FindCoordinator sends a client; node -1, host "" and port -1 with an error, as Kafka's Node.noNode(). */
export interface CoordinatorEndpoint {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}

type Slot =
  | { state: "loading"; partition: OffsetsPartition }
  | { state: "active"; partition: OffsetsPartition; coordinator: GroupCoordinator };

type Routed = { coordinator: GroupCoordinator } | { coordinator: undefined; errorCode: number };

export const noCoordinator = (errorCode: number): CoordinatorEndpoint => ({ errorCode, nodeId: -1, host: "", port: -1 });

export class GroupService {
  /** By offsets-topic partition index. */
  private readonly slots = new Map<number, Slot>();
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private timer: Timer | undefined;
  private armedDeadline: number | undefined;
  private creatingOffsetsTopic = false;
  private lastCreationProblem: string | undefined;

  constructor(private readonly options: GroupServiceOptions) {}

  /** Starts following leadership; partitions this node already leads are loaded at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.replicas.addLeadershipListener({
      becameLeader: (partition) => this.becameLeader(partition),
      resigned: (topicPartition) => this.resigned(topicPartition),
    });
  }

  /** Parked requests are answered NOT_COORDINATOR and loads abandoned; safe to call twice. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.disarmTimer();
    for (const slot of this.slots.values()) if (slot.state === "active") slot.coordinator.unload();
    this.slots.clear();
  }

  /**
   * FindCoordinator for a group (Kafka's KafkaApis.getCoordinator): the live leader of the group's
   * offsets partition. A missing offsets topic is created in the background and the client told
   * COORDINATOR_NOT_AVAILABLE, so it asks again.
   */
  findGroupCoordinator(groupId: string): CoordinatorEndpoint {
    const image = this.options.metadata.image;
    const topic = image.topicsByName.get(CONSUMER_OFFSETS_TOPIC);
    if (!topic) {
      this.createOffsetsTopic();
      return noCoordinator(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    }
    const state = topic.partitions[partitionForGroup(groupId, topic.partitions.length)];
    const leader = state && !image.isOffline(state) ? image.brokers.get(state.leader) : undefined;
    if (!leader) return noCoordinator(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return { errorCode: ErrorCode.NONE, nodeId: leader.brokerId, host: leader.host, port: leader.port };
  }

  /**
   * Runs an operation on the coordinator of the group's partition, or answers `onError` with
   * NOT_COORDINATOR (not led here), COORDINATOR_LOAD_IN_PROGRESS (still loading) or
   * COORDINATOR_NOT_AVAILABLE (stopped).
   */
  run<T>(groupId: string, operation: (coordinator: GroupCoordinator) => T, onError: (errorCode: number) => T): T {
    const routed = this.route(groupId);
    if (routed.coordinator === undefined) return onError(routed.errorCode);
    const result = operation(routed.coordinator);
    this.armTimer();
    return result;
  }

  /** DescribeGroups across coordinators, in request order; groups this node cannot answer carry the routing error. */
  describeGroups(groupIds: readonly string[]): DescribedGroup[] {
    return groupIds.map((groupId) =>
      this.run(
        groupId,
        (coordinator) => coordinator.describeGroups([groupId]).groups[0],
        (errorCode) => describedGroupError(groupId, errorCode),
      ),
    );
  }

  /** ListGroups over every coordinator of this node; one still loading fails the whole answer, as in Kafka. */
  listGroups(request: ListGroupsRequest): ListGroupsResponse {
    const failed = (errorCode: number): ListGroupsResponse => ({ throttleTimeMs: 0, errorCode, groups: [] });
    if (!this.running) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const groups: ListGroupsResponse["groups"] = [];
    for (const slot of this.slots.values()) {
      if (slot.state === "loading") return failed(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
      groups.push(...slot.coordinator.listGroups(request).groups);
    }
    this.armTimer();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  }

  private route(groupId: string): Routed {
    if (!this.running) return { coordinator: undefined, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
    const topic = this.options.metadata.image.topicsByName.get(CONSUMER_OFFSETS_TOPIC);
    const slot = topic ? this.slots.get(partitionForGroup(groupId, topic.partitions.length)) : undefined;
    if (!slot) return { coordinator: undefined, errorCode: ErrorCode.NOT_COORDINATOR };
    if (slot.state === "loading") return { coordinator: undefined, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS };
    return { coordinator: slot.coordinator };
  }

  // ------------------------------------------------------------- leadership

  private becameLeader(partition: OffsetsPartition): void {
    if (!this.running || partition.topicPartition.topic !== CONSUMER_OFFSETS_TOPIC) return;
    const index = partition.topicPartition.partition;
    const current = this.slots.get(index);
    // A new leader epoch on the same replica: the coordinator already holds everything its log has.
    if (current?.partition === partition) return;
    if (current) this.unload(index, current);
    void this.load(index, partition);
  }

  private resigned(topicPartition: TopicPartition): void {
    if (topicPartition.topic !== CONSUMER_OFFSETS_TOPIC) return;
    const slot = this.slots.get(topicPartition.partition);
    if (slot) this.unload(topicPartition.partition, slot);
  }

  private unload(index: number, slot: Slot): void {
    this.slots.delete(index);
    if (slot.state === "active") {
      slot.coordinator.unload();
      this.options.logger.log("info", "unloaded group coordinator", { partition: slot.partition.key });
    }
    this.armTimer();
  }

  /** Replays the partition into a new coordinator; a load that fails leaves the partition NOT_COORDINATOR, as in Kafka. */
  private async load(index: number, partition: OffsetsPartition): Promise<void> {
    const { logger, config, clock } = this.options;
    const slot: Slot = { state: "loading", partition };
    this.slots.set(index, slot);
    const superseded = () => this.slots.get(index) !== slot;
    try {
      const records = await readGroupRecords(partition, {
        isCancelled: superseded,
        onUnreadable: (offset, reason) => logger.log("warn", "skipping an unreadable record of the offsets topic", { partition: partition.key, offset, reason }),
      });
      if (records === undefined || superseded()) return;
      const coordinator = GroupCoordinator.load(
        {
          config: groupCoordinatorConfig(config),
          clock: () => clock.nowMs(),
          store: this.storeFor(partition),
          log: (line) => logger.log("info", line, { partition: partition.key }),
        },
        records,
      );
      this.slots.set(index, { state: "active", partition, coordinator });
      logger.log("info", "loaded group coordinator", { partition: partition.key, records: records.length });
      this.armTimer();
    } catch (error) {
      if (superseded()) return;
      this.slots.delete(index);
      logger.log("error", "loading the group coordinator failed", {
        partition: partition.key,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }

  /** The partition's store; coordinator continuations that run when a write settles may set deadlines, so the timer is re-armed after them. */
  private storeFor(partition: OffsetsPartition): GroupRecordStore {
    const store = new OffsetsTopicRecordStore(partition, {
      clock: this.options.clock,
      purgatory: this.options.purgatory,
      commitTimeoutMs: this.options.config.int("offsets.commit.timeout.ms"),
    });
    const rearmAfterContinuations = () => void setImmediate(() => this.armTimer());
    return {
      append: (records) => {
        const written = store.append(records);
        written.then(rearmAfterContinuations, rearmAfterContinuations);
        return written;
      },
    };
  }

  private createOffsetsTopic(): void {
    if (this.creatingOffsetsTopic) return;
    this.creatingOffsetsTopic = true;
    const { topics, config, logger } = this.options;
    topics
      .createTopic(offsetsTopicSpec(config), false)
      .then(
        (outcome) => {
          if (outcome.ok) logger.log("info", "created the offsets topic", { topic: CONSUMER_OFFSETS_TOPIC });
          else if (outcome.error !== "TOPIC_ALREADY_EXISTS") this.reportCreationProblem(`${outcome.error}: ${outcome.message}`);
        },
        (error: unknown) => this.reportCreationProblem(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => (this.creatingOffsetsTopic = false));
  }

  /** Clients retry FindCoordinator every few hundred milliseconds: say why once, not on every retry. */
  private reportCreationProblem(problem: string): void {
    if (problem === this.lastCreationProblem) return;
    this.lastCreationProblem = problem;
    this.options.logger.log("warn", "cannot create the offsets topic; groups are unavailable until it exists", {
      topic: CONSUMER_OFFSETS_TOPIC,
      problem,
      hint: "offsets.topic.replication.factor must not exceed the number of live brokers",
    });
  }

  // ------------------------------------------------------------- deadlines

  /** Sets the one timer to the earliest deadline of any coordinator. */
  private armTimer(): void {
    if (!this.running) return;
    let next: number | undefined;
    for (const slot of this.slots.values()) {
      const deadline = slot.state === "active" ? slot.coordinator.nextDeadline() : undefined;
      if (deadline !== undefined && (next === undefined || deadline < next)) next = deadline;
    }
    if (next === this.armedDeadline) return;
    this.disarmTimer();
    if (next === undefined) return;
    const { clock } = this.options;
    this.armedDeadline = next;
    this.timer = clock.setTimer(Math.max(0, next - clock.nowMs()), () => {
      this.timer = undefined;
      this.armedDeadline = undefined;
      this.tick();
    });
  }

  private disarmTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.armedDeadline = undefined;
  }

  private tick(): void {
    for (const slot of this.slots.values()) {
      if (slot.state !== "active") continue;
      try {
        slot.coordinator.tick();
      } catch (error) {
        this.options.logger.log("error", "group coordinator deadline failed", {
          partition: slot.partition.key,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
    }
    this.armTimer();
  }
}

/** Kafka's DescribeGroupsRequest.getErrorDescribedGroupList entry. */
function describedGroupError(groupId: string, errorCode: number): DescribedGroup {
  return {
    errorCode,
    groupId,
    groupState: "",
    protocolType: "",
    protocolData: "",
    members: [],
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
