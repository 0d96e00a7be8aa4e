// The group service over real __consumer_offsets partition replicas on a memory disk and a manual
// clock: coordinators loaded when leadership arrives (COORDINATOR_LOAD_IN_PROGRESS meanwhile) and
// unloaded when it goes, commits written to the partition's log and replayed by the next leader,
// acks=all writes held until the high watermark passes them, deadlines fired from the clock, and the
// offsets topic created on first need.
import { describe, expect, it } from "vitest";
import { Partition } from "../broker/partition.ts";
import { partitionDir } from "../broker/partition-dirs.ts";
import { topicSettings } from "../broker/topic-settings.ts";
import { DelayedOperations } from "../broker/delayed-operations.ts";
import { BrokerConfig } from "../config/broker-config.ts";
import { partitionForGroup } from "../groups/coordinator-partition.ts";
import { encodeGroupRecord } from "../groups/records.ts";
import { consumerSubscription, context, flush, track } from "../groups/test-kit.ts";
import { ManualClock } from "../io/clock.ts";
import { MemoryDisk } from "../io/memory-disk.ts";
import { buildRecordBatch } from "../log/batch-builder.ts";
import type { TopicPartition } from "../log/partition-log.ts";
import { RecordBatch } from "../log/record-batch.ts";
import { lineLogger } from "../logger.ts";
import type { CreateTopicSpec } from "../metadata/controller-logic.ts";
import { MetadataImage, type PartitionState } from "../metadata/image.ts";
import { CONSUMER_OFFSETS_TOPIC } from "../metadata/topic-names.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { GroupService } from "./group-service.ts";
import type { LeadershipSource, OffsetsLeadershipListener, OffsetsPartition, TopicCreation } from "./host.ts";

const PARTITIONS = 3;
const TOPIC_ID = "offsets-topic-id-0000A";
const SETTINGS = ["offsets.topic.replication.factor=1", `offsets.topic.num.partitions=${PARTITIONS}`, "group.min.session.timeout.ms=1000", "offsets.commit.timeout.ms=5000"];

/** Leadership driven by the test, told to listeners the way the replica manager tells them. */
class TestLeadership implements LeadershipSource {
  private readonly listeners = new Set<OffsetsLeadershipListener>();
  readonly leading = new Set<OffsetsPartition>();

  addLeadershipListener(listener: OffsetsLeadershipListener): () => void {
    this.listeners.add(listener);
    for (const partition of this.leading) listener.becameLeader(partition);
    return () => this.listeners.delete(listener);
  }

  elect(partition: OffsetsPartition): void {
    this.leading.add(partition);
    for (const listener of this.listeners) listener.becameLeader(partition);
  }

  resign(partition: OffsetsPartition): void {
    this.leading.delete(partition);
    for (const listener of this.listeners) listener.resigned(partition.topicPartition);
  }
}

class TestTopics {
  readonly requests: CreateTopicSpec[] = [];
  createTopic(spec: CreateTopicSpec): Promise<TopicCreation> {
    this.requests.push(spec);
    return Promise.resolve({ ok: true });
  }
}

function brokerImage(options: { withOffsetsTopic: boolean; fenced?: boolean }): MetadataImage {
  const image = new MetadataImage();
  image.apply({ type: "register-broker", brokerId: 1, incarnation: "i1", host: "127.0.0.1", port: 9092, rack: null });
  if (!options.fenced) image.apply({ type: "unfence-broker", brokerId: 1 });
  if (options.withOffsetsTopic) {
    image.apply({ type: "topic", name: CONSUMER_OFFSETS_TOPIC, topicId: TOPIC_ID });
    for (let partition = 0; partition < PARTITIONS; partition++) {
      image.apply({ type: "partition", topicId: TOPIC_ID, partition, replicas: [1], isr: [1], leader: 1 });
    }
  }
  return image;
}

/** One node's view: its replicas of the offsets topic on `disk`, leadership, and a group service. */
function startNode(shared: { disk?: MemoryDisk; clock?: ManualClock } = {}, isr: readonly number[] = [1]) {
  const disk = shared.disk ?? new MemoryDisk();
  const clock = shared.clock ?? new ManualClock(1_700_000_000_000);
  const config = BrokerConfig.parse(SETTINGS);
  const lines: string[] = [];
  const logger = lineLogger("test", { level: "debug", sink: (line) => lines.push(line) });
  const purgatory = new DelayedOperations(clock);
  const partitions = Array.from({ length: PARTITIONS }, (_, index) => {
    const topicPartition: TopicPartition = { topic: CONSUMER_OFFSETS_TOPIC, partition: index };
    const partition = Partition.open({
      topicId: TOPIC_ID,
      topicPartition,
      dir: partitionDir("/data", topicPartition),
      localBrokerId: 1,
      settings: topicSettings(new Map(), config),
      disk,
      clock,
      logger,
      onChange: (key) => purgatory.checkAndComplete(key),
    });
    const state: PartitionState = { topicId: TOPIC_ID, partition: index, replicas: [1, 2], isr: [...isr], leader: 1, leaderEpoch: 0, partitionEpoch: 0 };
    partition.applyRegistration(state);
    return partition;
  });
  const leadership = new TestLeadership();
  const topics = new TestTopics();
  const service = new GroupService({ config, clock, logger, metadata: { image: brokerImage({ withOffsetsTopic: true }) }, topics, replicas: leadership, purgatory });
  const partitionOf = (groupId: string) => partitions[partitionForGroup(groupId, PARTITIONS)];
  return { disk, clock, lines, partitions, leadership, topics, service, partitionOf, close: () => partitions.forEach((p) => p.close()) };
}

const NO_ERROR = (errorCode: number): never => {
  throw new Error(`routing failed with error ${errorCode}`);
};

function commit(service: GroupService, groupId: string, offset: bigint) {
  return service.run(
    groupId,
    (coordinator) =>
      coordinator.commitOffsets(
        { groupId, generationIdOrMemberEpoch: -1, memberId: "", topics: [{ name: "orders", partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: null }] }] },
        context(8),
      ),
    NO_ERROR,
  );
}

function committedOffset(service: GroupService, groupId: string): bigint | number {
  return service.run<bigint | number>(
    groupId,
    (coordinator) => coordinator.fetchOffsets(groupId, [{ name: "orders", partitionIndexes: [0] }]).topics[0].partitions[0].committedOffset,
    (errorCode) => errorCode,
  );
}

const routingError = (service: GroupService, groupId: string) => service.run(groupId, () => ErrorCode.NONE, (errorCode) => errorCode);

/** Lets the background load of the group's partition finish (it yields to the event loop between chunks). */
async function loaded(service: GroupService, groupId: string): Promise<void> {
  for (let i = 0; i < 100 && routingError(service, groupId) === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS; i++) await flush();
  expect(routingError(service, groupId)).toBe(ErrorCode.NONE);
}

describe("GroupService", () => {
  it("answers COORDINATOR_LOAD_IN_PROGRESS until a partition it leads is loaded, and NOT_COORDINATOR for partitions it does not lead", async () => {
    const node = startNode();
    node.leadership.leading.add(node.partitionOf("loaded"));
    node.service.start();
    expect(routingError(node.service, "loaded")).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect(node.service.listGroups({}).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await loaded(node.service, "loaded");
    expect(node.service.listGroups({}).errorCode).toBe(ErrorCode.NONE);
    const elsewhere = ["a", "b", "c", "d", "e", "f"].find((groupId) => node.partitionOf(groupId) !== node.partitionOf("loaded"));
    expect(routingError(node.service, elsewhere ?? "")).toBe(ErrorCode.NOT_COORDINATOR);
    node.service.stop();
    expect(routingError(node.service, "loaded")).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    node.close();
  });

  it("writes commits to the offsets partition, and the next leader of that partition replays them", async () => {
    const first = startNode();
    first.service.start();
    first.leadership.elect(first.partitionOf("durable"));
    await loaded(first.service, "durable");
    const response = await commit(first.service, "durable", 42n);
    expect(response.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
    expect(first.partitionOf("durable").log.logEndOffset).toBe(1);

    first.leadership.resign(first.partitionOf("durable"));
    expect(routingError(first.service, "durable")).toBe(ErrorCode.NOT_COORDINATOR);
    first.service.stop();
    first.close();

    // The replica that takes over (here: the same disk, as after a restart) loads what was written.
    const next = startNode({ disk: first.disk });
    next.service.start();
    next.leadership.elect(next.partitionOf("durable"));
    await loaded(next.service, "durable");
    expect(committedOffset(next.service, "durable")).toBe(42n);
    next.service.stop();
    next.close();
  });

  it("skips records of the offsets topic it cannot read, saying which", async () => {
    const node = startNode();
    const partition = node.partitionOf("mixed");
    const junk = { key: Buffer.from([0, 9, 1, 2]), value: Buffer.from("?") };
    const valid = encodeGroupRecord({ type: "offset-commit", groupId: "mixed", topic: "orders", partition: 0, value: { offset: 7n, leaderEpoch: -1, metadata: "", commitTimestamp: 1 } });
    partition.appendAsLeader(new RecordBatch(buildRecordBatch({ records: [junk, valid], timestamp: 1 })), -1, "coordinator");
    node.leadership.leading.add(partition);
    node.service.start();
    await loaded(node.service, "mixed");
    expect(committedOffset(node.service, "mixed")).toBe(7n);
    expect(node.lines.some((line) => line.includes("skipping an unreadable record") && line.includes("offset=0"))).toBe(true);
    node.service.stop();
    node.close();
  });

  it("answers requests parked in a rebalance NOT_COORDINATOR when leadership moves away", async () => {
    const node = startNode();
    node.service.start();
    node.leadership.elect(node.partitionOf("moving"));
    await loaded(node.service, "moving");
    // JoinGroup v3 adds the member at once; the initial rebalance then waits out group.initial.rebalance.delay.ms (3 s).
    const parked = track(
      node.service.run(
        "moving",
        (coordinator) =>
          coordinator.joinGroup(
            { groupId: "moving", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: "", protocolType: "consumer", protocols: [{ name: "range", metadata: consumerSubscription(["orders"]) }] },
            context(3),
          ),
        NO_ERROR,
      ),
    );
    await flush();
    expect(parked.settled).toBe(false);
    node.leadership.resign(node.partitionOf("moving"));
    await flush();
    expect(parked.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    node.service.stop();
    node.close();
  });

  it("fires session deadlines from the clock: a member that stops heartbeating is removed", async () => {
    const node = startNode();
    node.service.start();
    node.leadership.elect(node.partitionOf("sessions"));
    await loaded(node.service, "sessions");
    const joined = track(
      node.service.run(
        "sessions",
        (coordinator) =>
          coordinator.joinGroup(
            { groupId: "sessions", sessionTimeoutMs: 2_000, rebalanceTimeoutMs: 2_000, memberId: "", protocolType: "consumer", protocols: [{ name: "range", metadata: consumerSubscription(["orders"]) }] },
            context(3),
          ),
        NO_ERROR,
      ),
    );
    node.clock.advance(3_000); // group.initial.rebalance.delay.ms
    await flush();
    const { memberId, generationId } = joined.value;
    const synced = await node.service.run("sessions", (c) => c.syncGroup({ groupId: "sessions", generationId, memberId, assignments: [{ memberId, assignment: Buffer.from("a") }] }, context(3)), NO_ERROR);
    expect(synced.errorCode).toBe(ErrorCode.NONE);
    await flush();
    const state = () => node.service.describeGroups(["sessions"])[0].groupState;

    node.clock.advance(1_500);
    expect(node.service.run("sessions", (c) => c.heartbeat({ groupId: "sessions", generationId, memberId }, context(3)).errorCode, NO_ERROR)).toBe(ErrorCode.NONE);
    node.clock.advance(1_500);
    expect(state()).toBe("Stable");
    // The service's own timer fires the deadline: no request has to come in for it.
    node.clock.advance(600);
    expect(node.lines.some((line) => line.includes(`member ${memberId} session expired`))).toBe(true);
    expect(state()).toBe("Empty");
    node.service.stop();
    node.close();
  });

  it("acknowledges a write only once the high watermark passes it, failing it when the ISR does not catch up in offsets.commit.timeout.ms", async () => {
    // A second replica in the ISR that never fetches holds the high watermark where it is.
    const node = startNode({}, [1, 2]);
    node.service.start();
    node.leadership.elect(node.partitionOf("replicated"));
    await loaded(node.service, "replicated");
    const pending = track(commit(node.service, "replicated", 5n));
    await flush();
    expect(pending.settled).toBe(false);
    node.clock.advance(5_000);
    await flush();
    expect(pending.value.topics[0].partitions[0].errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(committedOffset(node.service, "replicated")).toBe(-1n);
    node.service.stop();
    node.close();
  });

  it("creates the offsets topic on the first FindCoordinator, once, and then names its partition's live leader", async () => {
    const clock = new ManualClock(0);
    const config = BrokerConfig.parse(SETTINGS);
    const topics = new TestTopics();
    const metadata = { image: brokerImage({ withOffsetsTopic: false }) };
    const service = new GroupService({ config, clock, logger: lineLogger("test", { sink: () => {} }), metadata, topics, replicas: new TestLeadership(), purgatory: new DelayedOperations(clock) });
    expect(service.findGroupCoordinator("g")).toEqual({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, nodeId: -1, host: "", port: -1 });
    expect(service.findGroupCoordinator("g").errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(topics.requests).toEqual([
      {
        name: CONSUMER_OFFSETS_TOPIC,
        numPartitions: PARTITIONS,
        replicationFactor: 1,
        configs: [
          { name: "retention.ms", value: "-1" },
          { name: "retention.bytes", value: "-1" },
          { name: "segment.bytes", value: "104857600" },
        ],
      },
    ]);

    metadata.image = brokerImage({ withOffsetsTopic: true });
    expect(service.findGroupCoordinator("g")).toEqual({ errorCode: ErrorCode.NONE, nodeId: 1, host: "127.0.0.1", port: 9092 });
    metadata.image = brokerImage({ withOffsetsTopic: true, fenced: true });
    expect(service.findGroupCoordinator("g").errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });
});
