// A consumer worker on kafkajs, in Jepsen's pull model: batches kafkajs fetches wait until a poll
// operation takes them. Subscribe joins a real consumer group; kafkajs has no assign, so assign
// is a private one-member group whose assigner hands out exactly the requested partitions.
// Generations come from kafkajs's "Received assignment" debug log, the only place it names them.
// kafkajs retries a failed commit with whatever generation it is in by then, so a commit that a
// rebalance overtakes may land in the next generation with the previous one's positions: such a
// commit completes as indeterminate, and positions are dropped the moment a new assignment arrives.
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, type Batch, type Consumer, type EachBatchPayload, type LogEntry, type logCreator } from "kafkajs";
import type { OffsetValue, PartitionName } from "../../history/types.ts";
import { settleWithin } from "../deadline.ts";
import { Handoff } from "../handoff.ts";
import { Membership } from "../membership.ts";
import type { ClientTimeouts, ConsumerSettings } from "../settings.ts";
import { invokeValue, parsePartitionName, partitionName, type ClientOperation, type Completion, type ObservedOperation, type WorkloadClient, type ClusterAccess } from "../workload-client.ts";
import { fixedAssigner } from "./fixed-assigner.ts";
import { workerKafkaConfig } from "./config.ts";
import { KAFKAJS_LIBRARY } from "./library.ts";
import { failureOutcome } from "./outcome.ts";

const HEARTBEAT_WHILE_WAITING_MS = 1_000;

interface GroupSession {
  consumer: Consumer;
  group: string;
  membership: Membership;
  /** Resolves at the first join after run(). */
  joined: Promise<void>;
}

/**
 * The integer a record carries. A record that holds no integer (corrupted, or written by someone
 * else) still has to be told: it becomes -(offset + 1), a value no worker ever sends, so the
 * checker reports it as a phantom read at that offset instead of it going unnoticed.
 */
export function recordValue(bytes: Buffer | null, offset: number): number {
  const text = bytes?.toString("utf8") ?? "";
  const value = /^-?\d+$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(value) && value > 0 ? value : -(offset + 1);
}

/** Offsets in a canonical form, to recognise our own commit among kafkajs's commit events. */
function offsetsKey(offsets: Record<PartitionName, number>): string {
  return JSON.stringify(Object.entries(offsets).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export class KafkaJsConsumer implements WorkloadClient {
  readonly library = KAFKAJS_LIBRARY;
  private kafka: Kafka | undefined;
  private session: GroupSession | undefined;
  private readonly handoff = new Handoff<Batch>();
  private observed: ObservedOperation[] = [];
  /** Generation per member id, from kafkajs's debug log, read at the join that follows it. */
  private readonly generations = new Map<string, number>();
  private crashed: string | undefined;
  /** The offsets of our own commit while it is in flight: kafkajs reports it like an automatic one. */
  private ownCommit: string | undefined;
  /** A new assignment arrived while our commit was in flight. */
  private commitOvertaken = false;

  constructor(
    readonly process: number,
    private readonly access: ClusterAccess,
    private readonly settings: ConsumerSettings,
    private readonly timeouts: ClientTimeouts,
  ) {}

  async open(): Promise<void> {
    this.kafka ??= new Kafka(workerKafkaConfig(this.access, `kconform-consumer-${this.process}`, this.timeouts, this.logCreator()));
  }

  /** Why this client cannot go on (kafkajs gave up on its consumer), or undefined. */
  broken(): string | undefined {
    return this.crashed;
  }

  async invoke(operation: ClientOperation): Promise<Completion> {
    const invoked = invokeValue(operation);
    switch (operation.f) {
      case "assign":
      case "subscribe":
        return this.join(operation);
      case "poll":
        return this.poll();
      case "commit":
        return this.commit();
      case "send":
        return { type: "fail", value: invoked, error: "a consumer cannot send" };
    }
  }

  takeObserved(): ObservedOperation[] {
    const observed = this.observed;
    this.observed = [];
    return observed;
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    this.crashed = undefined;
    // Handlers waiting for a poll would hold kafkajs's disconnect up forever.
    this.handoff.withdrawAll();
    if (session === undefined) return;
    await settleWithin(session.consumer.disconnect(), this.timeouts.operationMs);
    session.membership.left();
  }

  private logCreator(): logCreator {
    return () => (entry: LogEntry) => {
      const log = entry.log as { message?: string; memberId?: unknown; generationId?: unknown };
      if (entry.namespace === "ConsumerGroup" && log.message === "Received assignment" && typeof log.memberId === "string" && typeof log.generationId === "number") {
        this.generations.set(log.memberId, log.generationId);
        // kafkajs is about to build the new generation's offset manager: nothing polled before counts now.
        this.session?.membership.forgetPositions();
        if (this.ownCommit !== undefined) this.commitOvertaken = true;
      }
    };
  }

  private async join(operation: Extract<ClientOperation, { f: "assign" | "subscribe" }>): Promise<Completion> {
    const invoked = invokeValue(operation);
    const kafka = this.kafka;
    if (kafka === undefined) return { type: "fail", value: invoked, error: "the consumer is not open" };
    if (this.session !== undefined) return { type: "fail", value: invoked, error: "already consuming; close and reopen to change what is consumed" };
    const assign = operation.f === "assign";
    const topics = assign ? [...new Set(operation.partitions.map((p) => parsePartitionName(p)?.topic ?? p))] : operation.topics;
    // A private group per assign, so nothing committed or assigned before can leak in.
    const group = assign ? `kconform-assign-${this.process}-${randomBytes(4).toString("hex")}` : operation.group;
    const session = this.startSession(kafka, group, !assign, assign ? operation.partitions : undefined);
    this.session = session;
    const extras = assign ? {} : { group };
    const started = (async () => {
      await session.consumer.connect();
      await session.consumer.subscribe({ topics, fromBeginning: assign ? operation.seekToBeginning : true });
      await session.consumer.run({
        autoCommit: this.settings.autoCommit,
        autoCommitInterval: this.settings.autoCommitIntervalMs,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.deliver(payload),
      });
      await session.joined;
    })();
    const settled = await settleWithin(started, this.timeouts.operationMs);
    if (settled.outcome === "resolved") return { type: "ok", value: invoked, ...extras, ...session.membership.take() };
    // Not joined in time: it may still join; the session stays, later polls will tell.
    if (settled.outcome === "timeout") return { type: "info", value: invoked, ...extras, error: `not joined within ${settled.afterMs} ms` };
    this.session = undefined;
    await settleWithin(session.consumer.disconnect(), this.timeouts.operationMs);
    return { ...failureOutcome(settled.error), value: invoked, ...extras };
  }

  private startSession(kafka: Kafka, group: string, grouped: boolean, fixed: readonly PartitionName[] | undefined): GroupSession {
    const { sessionTimeoutMs } = this.settings;
    const consumer = kafka.consumer({
      groupId: group,
      sessionTimeout: sessionTimeoutMs,
      heartbeatInterval: Math.max(100, Math.min(3_000, Math.floor(sessionTimeoutMs / 3))),
      rebalanceTimeout: Math.max(sessionTimeoutMs, 20_000),
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
      ...(fixed !== undefined ? { partitionAssigners: [fixedAssigner(fixed)] } : {}),
    });
    const membership = new Membership(grouped);
    let markJoined: () => void = () => undefined;
    const joined = new Promise<void>((resolve) => (markJoined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      // Batches offered under the previous generation are stale now.
      this.handoff.withdrawAll();
      const owned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((p) => partitionName(topic, p)));
      membership.joined(owned, this.generations.get(payload.memberId));
      markJoined();
    });
    consumer.on(consumer.events.REBALANCING, () => this.handoff.withdrawAll());
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.handoff.withdrawAll();
      membership.left();
      if (!payload.restart) this.crashed = `kafkajs stopped the consumer: ${payload.error.message}`;
    });
    if (this.settings.autoCommit) {
      consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
        const value: Record<PartitionName, number> = {};
        for (const { topic, partitions } of payload.topics) for (const { partition, offset } of partitions) value[partitionName(topic, Number(partition))] = Number(offset);
        if (this.ownCommit !== undefined && this.ownCommit === offsetsKey(value)) {
          this.ownCommit = undefined;
          return;
        }
        this.observed.push({ f: "commit", value, group, ...(grouped ? { generation: payload.groupGenerationId } : {}) });
      });
    }
    return { consumer, group, membership, joined };
  }

  /** kafkajs's eachBatch: hand the batch to the next poll, heartbeating while it waits. */
  private async deliver({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const taken = this.handoff.offer(batch);
    while (this.handoff.pending(batch)) {
      await Promise.race([taken, sleep(HEARTBEAT_WHILE_WAITING_MS)]);
      if (!this.handoff.pending(batch)) break;
      if (!isRunning() || isStale()) {
        this.handoff.withdraw(batch);
        break;
      }
      try {
        await heartbeat();
      } catch (error) {
        // A rebalance: kafkajs rejoins, and this batch belongs to the old generation.
        this.handoff.withdraw(batch);
        throw error;
      }
    }
    if ((await taken) === "taken") for (const message of batch.messages) resolveOffset(message.offset);
  }

  private async poll(): Promise<Completion> {
    const session = this.session;
    const batches = await this.handoff.take(this.settings.pollTimeoutMs);
    const records: Record<PartitionName, OffsetValue[]> = {};
    for (const batch of batches) {
      const name = partitionName(batch.topic, batch.partition);
      const read = (records[name] ??= []);
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        read.push([offset, recordValue(message.value, offset)]);
        session?.membership.polled(name, offset);
      }
    }
    return { type: "ok", value: [["poll", records]], ...(session?.membership.take() ?? {}) };
  }

  private async commit(): Promise<Completion> {
    const session = this.session;
    if (session === undefined) return { type: "fail", value: {}, error: "not consuming: nothing to commit" };
    const offsets = session.membership.committable();
    const group = session.group;
    if (Object.keys(offsets).length === 0) return { type: "ok", value: offsets, group, ...session.membership.take() };
    const request = Object.entries(offsets).map(([name, offset]) => {
      const { topic, partition } = parsePartitionName(name) as { topic: string; partition: number };
      return { topic, partition, offset: String(offset) };
    });
    this.ownCommit = offsetsKey(offsets);
    this.commitOvertaken = false;
    const settled = await settleWithin(session.consumer.commitOffsets(request), this.timeouts.operationMs);
    this.ownCommit = undefined;
    const changes = session.membership.take();
    if (this.commitOvertaken) return { type: "info", value: offsets, group, error: "a rebalance overtook the commit; kafkajs may have retried it in the next generation", ...changes };
    if (settled.outcome === "resolved") return { type: "ok", value: offsets, group, ...changes };
    if (settled.outcome === "timeout") return { type: "info", value: offsets, group, error: `no answer within ${settled.afterMs} ms`, ...changes };
    return { ...failureOutcome(settled.error), value: offsets, group, ...changes };
  }
}
