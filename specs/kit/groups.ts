// kafkajs plumbing for the consumer-group specs: members whose every assignment is recorded with
// its generation, a member that can go silent like a hung process, the group as its coordinator
// describes it, and the crash-and-replace workload behind the delivery-semantics specs.
import fc from "fast-check";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { AssignerProtocol, Kafka, logLevel, type Admin, type Consumer, type ISocketFactory, type LogEntry } from "kafkajs";
import { settleWithin } from "../../harness/clients/deadline.ts";
import { detouringSocketFactory } from "../../harness/clients/kafkajs/config.ts";
import { kafkaJsConfig } from "../../harness/targets/external/kafkajs-config.ts";
import type { SpecContext, SpecTarget } from "../spec.ts";
import { offsetRanges, sendInOrder, SpecSetupError, withAdmin, withProducer, withTopic } from "./clients.ts";

/**
 * Runs a step that only prepares the observation (writing the workload, joining a group): a
 * failure there says nothing about the guarantee, so it becomes a SpecSetupError naming the step.
 */
export async function setupStep<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SpecSetupError) throw error;
    throw new SpecSetupError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, "setup-step-failed", { step: what }, { cause: error });
  }
}

/** What one member was given in one generation, as it received it in its SyncGroup response. */
export interface GenerationAssignment {
  member: string;
  memberId: string;
  generationId: number;
  /** Partitions of the spec's topic, ascending. */
  partitions: number[];
}

/** A consumed record as the specs keep it. */
export interface ConsumedRecord {
  partition: number;
  offset: number;
  value: string | null;
}

export interface GroupKafkaOptions {
  /** Every kafkajs log line (debug included), for what kafkajs reports nowhere else. */
  onLog?: (entry: LogEntry) => void;
  socketFactory?: ISocketFactory;
  requestTimeoutMs?: number;
}

/** kafkaFor's settings, plus a log tap and a socket factory of the spec's own. */
export function groupKafka(target: SpecTarget, clientId: string, options: GroupKafkaOptions = {}): Kafka {
  const { onLog } = options;
  return new Kafka(
    kafkaJsConfig(target.access, {
      clientId,
      connectionTimeout: 3_000,
      requestTimeout: options.requestTimeoutMs ?? 10_000,
      retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 8 },
      ...(onLog === undefined ? { logLevel: logLevel.NOTHING } : { logLevel: logLevel.DEBUG, logCreator: () => (entry: LogEntry) => onLog(entry) }),
      socketFactory: options.socketFactory ?? detouringSocketFactory(target.access.detours ?? new Map()),
    }),
  );
}

/**
 * Sockets that can all fall silent at once, as a hung (SIGSTOPped) client's do: nothing it writes
 * leaves, nothing sent to it is read, and connections it opens later are silent from the start.
 */
class SilenceableSockets {
  private silent = false;
  private readonly open = new Set<Socket>();

  constructor(private readonly base: ISocketFactory) {}

  readonly factory: ISocketFactory = (args) => {
    const socket = this.base(args);
    this.open.add(socket);
    socket.once("close", () => this.open.delete(socket));
    if (this.silent) this.hush(socket);
    return socket;
  };

  isSilent(): boolean {
    return this.silent;
  }

  silence(): void {
    this.silent = true;
    for (const socket of this.open) this.hush(socket);
  }

  /**
   * Ends the silence the way a hung client's does when it finally dies: every connection closes
   * with an error (kafkajs fails the requests in flight on "error", a plain close would leave them
   * waiting), and connections opened afterwards work.
   */
  closeAll(): void {
    this.silent = false;
    for (const socket of this.open) {
      // Sockets kafkajs already let go of have no error listener of their own any more.
      socket.on("error", () => undefined);
      socket.destroy(new Error("the client's connections were closed"));
    }
  }

  private hush(socket: Socket): void {
    // Corked writes stay in this process; a paused socket leaves replies unread in the kernel.
    socket.cork();
    socket.pause();
  }
}

export interface MemberOptions {
  /** A name for evidence ("m0", "first"...). */
  name: string;
  groupId: string;
  topic: string;
  /** The broker's default group.min.session.timeout.ms is 6000: the shortest a member may ask for. */
  sessionTimeoutMs?: number;
  /** Processing of each record; the member commits nothing unless this does. */
  eachMessage?: (record: ConsumedRecord, member: GroupMember) => Promise<void>;
  /** Request timeout of the member's connections; long for a member that will go silent, so it does not notice. */
  requestTimeoutMs?: number;
}

const DEFAULT_SESSION_TIMEOUT_MS = 6_000;
const LEAVE_BOUND_MS = 8_000;

/**
 * One kafkajs consumer in a group, subscribed to one topic, recording each assignment it receives.
 * kafkajs names the generation only in its "Received assignment" debug line, so that line is the record.
 */
export class GroupMember {
  readonly assignments: GenerationAssignment[] = [];
  private readonly consumer: Consumer;
  private readonly sockets: SilenceableSockets;
  private stopped: Promise<void> | undefined;

  private constructor(
    target: SpecTarget,
    readonly options: MemberOptions,
  ) {
    this.sockets = new SilenceableSockets(detouringSocketFactory(target.access.detours ?? new Map()));
    const kafka = groupKafka(target, `kconform-spec-${options.name}`, {
      onLog: (entry) => this.observe(entry),
      socketFactory: this.sockets.factory,
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    });
    const sessionTimeout = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout,
      // Frequent heartbeats: members learn of a rebalance within a fraction of a second.
      heartbeatInterval: 300,
      rebalanceTimeout: 15_000,
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
    });
  }

  /** Joins: connects, subscribes and starts consuming; the assignment arrives later. */
  static async join(target: SpecTarget, options: MemberOptions): Promise<GroupMember> {
    const member = new GroupMember(target, options);
    const { consumer } = member;
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        await options.eachMessage?.({ partition, offset: Number(message.offset), value: message.value?.toString() ?? null }, member);
      },
    });
    return member;
  }

  get name(): string {
    return this.options.name;
  }

  /** The latest assignment this member received. */
  latest(): GenerationAssignment | undefined {
    return this.assignments.at(-1);
  }

  /** Commits `offset` (the next one to consume) for a partition of the topic, in the member's generation. */
  commit(partition: number, offset: number): Promise<void> {
    return this.consumer.commitOffsets([{ topic: this.options.topic, partition, offset: String(offset) }]);
  }

  /** The member hangs: no heartbeat, fetch or commit reaches the cluster any more. */
  goSilent(): void {
    this.sockets.silence();
  }

  /**
   * Leaves the group (kafkajs sends LeaveGroup) and closes the client, within a bound. A silent
   * member's connections are closed first, as its process dying would.
   */
  leave(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.sockets.isSilent()) this.sockets.closeAll();
      await settleWithin(this.consumer.disconnect(), LEAVE_BOUND_MS);
      this.sockets.closeAll();
    })();
    return this.stopped;
  }

  private observe(entry: LogEntry): void {
    const log = entry.log as { message?: string; generationId?: unknown; memberId?: unknown; groupId?: unknown; memberAssignment?: unknown };
    if (entry.namespace !== "ConsumerGroup" || log.message !== "Received assignment" || log.groupId !== this.options.groupId) return;
    if (typeof log.generationId !== "number" || typeof log.memberId !== "string") return;
    const byTopic = (log.memberAssignment ?? {}) as Record<string, number[]>;
    const partitions = [...(byTopic[this.options.topic] ?? [])].sort((a, b) => a - b);
    this.assignments.push({ member: this.options.name, memberId: log.memberId, generationId: log.generationId, partitions });
  }
}

/** A group as its coordinator describes it: state, and each member's assignment of the spec's topic. */
export interface GroupView {
  state: string;
  members: { memberId: string; partitions: number[] }[];
}

function decodeAssignment(bytes: Buffer, topic: string): number[] {
  const decoded = bytes.length === 0 ? null : AssignerProtocol.MemberAssignment.decode(bytes);
  return [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
}

export async function describeGroup(admin: Admin, groupId: string, topic: string): Promise<GroupView> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups.find((candidate) => candidate.groupId === groupId);
  if (group === undefined) return { state: "Unknown", members: [] };
  return { state: group.state, members: group.members.map((member) => ({ memberId: member.memberId, partitions: decodeAssignment(member.memberAssignment, topic) })) };
}

/** Every member's latest assignment, when they all received the same generation (after `after`). */
export interface SettledGeneration {
  generationId: number;
  assignments: GenerationAssignment[];
  /** The coordinator's view at the moment the members agreed. */
  view: GroupView;
}

/** The group's last state when it never settled: for the error message. */
export interface Unsettled {
  unsettled: string;
}

function settledOf(members: readonly GroupMember[], view: GroupView, after: number): SettledGeneration | Unsettled {
  const latest = members.map((member) => member.latest());
  const generations = latest.map((assignment) => assignment?.generationId ?? -1);
  const describe = () =>
    `members' latest generations ${members.map((m, i) => `${m.name}:${generations[i]}`).join(" ")}; coordinator: ${view.state} with ${view.members.length} member(s)`;
  const generationId = generations[0] ?? -1;
  if (generationId <= after || generations.some((g) => g !== generationId)) return { unsettled: describe() };
  const assignments = latest as GenerationAssignment[];
  const ids = new Set(assignments.map((assignment) => assignment.memberId));
  if (view.state !== "Stable" || view.members.length !== ids.size || view.members.some((member) => !ids.has(member.memberId))) return { unsettled: describe() };
  return { generationId, assignments, view };
}

/**
 * Waits until `members` all received one generation newer than `after` and the coordinator shows
 * the group Stable with exactly them; gives back the last state if that does not happen in time.
 */
export async function waitForSettledGeneration(target: SpecTarget, members: readonly GroupMember[], options: { topic: string; after?: number; timeoutMs: number }): Promise<SettledGeneration | Unsettled> {
  const groupId = members[0]?.options.groupId ?? "";
  return withAdmin(target, async (admin) => {
    const deadline = performance.now() + options.timeoutMs;
    for (;;) {
      const view = await describeGroup(admin, groupId, options.topic).catch((error: Error): GroupView => ({ state: `undescribable (${error.message})`, members: [] }));
      const settled = settledOf(members, view, options.after ?? -1);
      if ("generationId" in settled || performance.now() > deadline) return settled;
      await sleep(100);
    }
  });
}

/** Leaves with every member at once; a spec's clean-up. */
export async function leaveAll(members: readonly GroupMember[]): Promise<void> {
  await Promise.all(members.map((member) => member.leave()));
}

// ---- Delivery semantics: a consumer crashes mid-stream and a replacement takes over ----

export interface ProducedRecord {
  partition: number;
  offset: number;
  value: string;
}

/** A record some consumer processed; `by` names the consumer. */
export interface ProcessedRecord extends ConsumedRecord {
  by: string;
}

/**
 * When the consumer commits relative to processing: after (at-least-once) or before (at-most-once,
 * Kafka's "save position, then process").
 */
export type CommitOrder = "process-then-commit" | "commit-then-process";

export interface CrashAndReplaceOptions {
  topic: string;
  groupId: string;
  order: CommitOrder;
  /** process-then-commit: commit after every this many processed records. */
  commitEvery: number;
  /** The first consumer crashes at its crashAfter-th record (after processing it, or after committing it). */
  crashAfter: number;
  timeoutMs: number;
}

export interface CrashAndReplaceResult {
  processed: ProcessedRecord[];
  /** The group's committed offsets when the replacement started (partition to next offset; absent: none). */
  committedAtCrash: Map<number, number>;
}

/** The group's committed offset per partition of `topic`; partitions without one are absent. */
export async function committedOffsets(target: SpecTarget, groupId: string, topic: string): Promise<Map<number, number>> {
  return withAdmin(target, async (admin) => {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, Number(p.offset)]));
  });
}

/**
 * A consumer processes the topic committing as `order` says, crashes (leaves without committing
 * anything more), and a replacement in the same group processes the rest up to the end offsets
 * as they stood at the crash. Returns every processing, duplicates included, in order.
 */
export async function crashAndReplace(target: SpecTarget, options: CrashAndReplaceOptions, ends: ReadonlyMap<number, number>): Promise<CrashAndReplaceResult> {
  const { topic, groupId, order, commitEvery, crashAfter, timeoutMs } = options;
  const processed: ProcessedRecord[] = [];
  let count = 0;
  let crashed = false;
  let markCrashed: () => void = () => undefined;
  const crash = new Promise<void>((resolve) => (markCrashed = resolve));
  /** Next offset to process per partition, for process-then-commit's commits. */
  const positions = new Map<number, number>();
  const first = await setupStep(`the first consumer joining ${groupId}`, () => GroupMember.join(target, {
    name: "first",
    groupId,
    topic,
    eachMessage: async (record, member) => {
      if (crashed) return;
      if (order === "commit-then-process") {
        await member.commit(record.partition, record.offset + 1);
        if (count + 1 === crashAfter) {
          crashed = true;
          markCrashed();
          return;
        }
        processed.push({ ...record, by: "first" });
        count++;
        return;
      }
      processed.push({ ...record, by: "first" });
      count++;
      positions.set(record.partition, record.offset + 1);
      if (count % commitEvery === 0) for (const [partition, offset] of positions) await member.commit(partition, offset);
      if (count === crashAfter) {
        crashed = true;
        markCrashed();
      }
    },
  }));
  try {
    const reached = await Promise.race([crash.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!reached) throw new SpecSetupError(`the first consumer of ${groupId} processed ${count} of the ${crashAfter} records it was to process before crashing, within ${timeoutMs} ms`, "consumer-stalled", { groupId });
  } finally {
    await first.leave();
  }
  const committedAtCrash = await setupStep(`reading ${groupId}'s committed offsets`, () => committedOffsets(target, groupId, topic));
  const seen = new Map<number, number>();
  const behind = () => [...ends].filter(([partition, end]) => end > 0 && Math.max(seen.get(partition) ?? -1, (committedAtCrash.get(partition) ?? 0) - 1) < end - 1);
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  if (behind().length === 0) markDone();
  const replacement = await setupStep(`the replacement consumer joining ${groupId}`, () =>
    GroupMember.join(target, {
      name: "replacement",
      groupId,
      topic,
      eachMessage: async (record) => {
        processed.push({ ...record, by: "replacement" });
        seen.set(record.partition, Math.max(seen.get(record.partition) ?? -1, record.offset));
        if (behind().length === 0) markDone();
      },
    }),
  );
  try {
    await Promise.race([done, sleep(timeoutMs)]);
    if (replacement.latest() === undefined) throw new SpecSetupError(`the replacement consumer never got an assignment in ${groupId} within ${timeoutMs} ms`, "never-assigned", { groupId });
  } finally {
    await replacement.leave();
  }
  return { processed, committedAtCrash };
}

/** One way a delivery history departs from exactly-once processing. */
export type DeliveryAnomaly =
  | { kind: "lost"; record: ProducedRecord }
  | { kind: "duplicate"; record: ProducedRecord; by: string[] }
  | { kind: "phantom"; processed: ProcessedRecord };

export type DeliveryAnomalyKind = DeliveryAnomaly["kind"];

/** Compares what was processed with what was written: lost, processed twice, or never written there. Pure. */
export function deliveryAnomalies(produced: readonly ProducedRecord[], processed: readonly ProcessedRecord[]): DeliveryAnomaly[] {
  const at = (partition: number, offset: number) => `${partition}@${offset}`;
  const written = new Map(produced.map((record) => [at(record.partition, record.offset), record]));
  const processors = new Map<string, string[]>();
  const anomalies: DeliveryAnomaly[] = [];
  for (const record of processed) {
    const key = at(record.partition, record.offset);
    const original = written.get(key);
    if (original === undefined || original.value !== record.value) {
      anomalies.push({ kind: "phantom", processed: record });
      continue;
    }
    processors.set(key, [...(processors.get(key) ?? []), record.by]);
  }
  for (const record of produced) {
    const by = processors.get(at(record.partition, record.offset)) ?? [];
    if (by.length === 0) anomalies.push({ kind: "lost", record });
    else if (by.length > 1) anomalies.push({ kind: "duplicate", record, by });
  }
  return anomalies;
}

export function explainDeliveryAnomaly(anomaly: DeliveryAnomaly): string {
  switch (anomaly.kind) {
    case "lost":
      return `${anomaly.record.value} (partition ${anomaly.record.partition}, offset ${anomaly.record.offset}) was never processed`;
    case "duplicate":
      return `${anomaly.record.value} (partition ${anomaly.record.partition}, offset ${anomaly.record.offset}) was processed ${anomaly.by.length} times, by ${anomaly.by.join(", ")}`;
    case "phantom":
      return `${anomaly.processed.by} processed ${JSON.stringify(anomaly.processed.value)} at partition ${anomaly.processed.partition}, offset ${anomaly.processed.offset}, which holds no such record`;
  }
}

/** The anomalies a delivery guarantee does not allow, explained; empty when the history meets it. */
export function deliveryViolations(produced: readonly ProducedRecord[], processed: readonly ProcessedRecord[], allowed: readonly DeliveryAnomalyKind[]): string[] {
  return deliveryAnomalies(produced, processed)
    .filter((anomaly) => !allowed.includes(anomaly.kind))
    .map(explainDeliveryAnomaly);
}

export interface DeliveryWorkload {
  partitions: number;
  records: number;
  order: CommitOrder;
  commitEvery: number;
  crashAfter: number;
  /** The anomalies the guarantee under test tolerates. */
  allowed: readonly DeliveryAnomalyKind[];
}

const DELIVERY_TIMEOUT_MS = 15_000;

/** The generated part of a delivery run: topic shape, record count, and where the first consumer crashes. */
export function deliveryWorkloadArbitrary(commitEvery: fc.Arbitrary<number>): fc.Arbitrary<Pick<DeliveryWorkload, "partitions" | "records" | "commitEvery" | "crashAfter">> {
  return fc.integer({ min: 2, max: 30 }).chain((records) =>
    fc.record({
      partitions: fc.integer({ min: 1, max: 3 }),
      records: fc.constant(records),
      commitEvery,
      crashAfter: fc.integer({ min: 1, max: records - 1 }),
    }),
  );
}

/**
 * One run of a delivery-semantics spec: write `records` across the partitions, let a consumer
 * crash at `crashAfter` and a replacement finish, and throw with the evidence when the history
 * shows an anomaly the guarantee does not allow.
 */
export async function deliverySpecRun(context: SpecContext, workload: DeliveryWorkload): Promise<void> {
  const { target } = context;
  const topic = context.unique("topic");
  const groupId = context.unique("group");
  await withTopic(target, topic, { partitions: workload.partitions }, async () => {
    const values = Array.from({ length: workload.records }, (_, i) => ({ key: null, value: `${topic}/${i}`, partition: i % workload.partitions }));
    const placed = await setupStep(`writing ${values.length} records to ${topic}`, () => withProducer(target, {}, (producer) => sendInOrder(producer, topic, values)));
    const produced = placed.map((where, i) => ({ ...where, value: values[i].value }));
    const ranges = await setupStep(`reading ${topic}'s end offsets`, () => offsetRanges(target, topic));
    const ends = new Map([...ranges].map(([partition, { end }]) => [partition, end]));
    const { processed, committedAtCrash } = await crashAndReplace(target, { topic, groupId, order: workload.order, commitEvery: workload.commitEvery, crashAfter: workload.crashAfter, timeoutMs: DELIVERY_TIMEOUT_MS }, ends);
    const violations = deliveryViolations(produced, processed, workload.allowed);
    const duplicates = processed.length - new Set(processed.map((record) => `${record.partition}@${record.offset}`)).size;
    context.say(`${workload.order}: crash after ${workload.crashAfter} of ${workload.records}; ${processed.length} processings, ${duplicates} repeated`);
    if (violations.length > 0) {
      const committed = [...committedAtCrash].map(([partition, offset]) => `${partition}:${offset}`).join(" ") || "none";
      const shown = violations.slice(0, 5).join("; ");
      throw new Error(`${workload.order} in group ${groupId} on ${topic} (first consumer crashed at its record ${workload.crashAfter}, committed offsets then ${committed}): ${shown}${violations.length > 5 ? `; and ${violations.length - 5} more` : ""}`);
    }
  });
}
