// A producer worker on kafkajs: each send operation is one sendBatch call, completed with the
// partition and offset of every record as the broker acknowledged them. Which partition the
// default partitioner chose is observed from the partitioner itself, never recomputed.
// Two kafkajs 2.2.4 retry flaws are guarded against here: a retry runs the partitioner again, so
// an unkeyed record could move to another partition after a first attempt that may have written
// it (the partitioner is made sticky per record); and a retry skips brokers that answered an
// earlier attempt even when a partition's leadership moved to them, so sendBatch can succeed
// without any answer for that partition (such operations complete as indeterminate).
// A third: an idempotent producer rolls a partition's sequence number back whenever a send fails or
// is still retrying when we give up on it, and hands it to the next send. If the abandoned batch
// was written after all, the broker answers the next record as a duplicate of it (the other's
// offset) and drops it: an acknowledged write that never existed. So after an idempotent send ends
// without an answer the producer is retired, and the worker reopens it with a new producer id.
import { Kafka, Partitioners, type Message, type Producer, type RecordMetadata, type ICustomPartitioner } from "kafkajs";
import type { MicroOp } from "../../history/types.ts";
import { settleWithin } from "../deadline.ts";
import { producerSettingsProblem, type ClientTimeouts, type ProducerSettings } from "../settings.ts";
import { invokeValue, partitionName, type ClientOperation, type Completion, type ObservedOperation, type SendSpec, type WorkloadClient, type ClusterAccess } from "../workload-client.ts";
import { workerKafkaConfig } from "./config.ts";
import { failureOutcome } from "./outcome.ts";
import { KAFKAJS_LIBRARY, ClientSetupError } from "./library.ts";

const ACKS = { 0: 0, 1: 1, all: -1 } as const;

/** kafkajs's default partitioner, remembering where it put each record and keeping it there on retries. */
function stickyObservingPartitioner(chosen: WeakMap<Message, number>): ICustomPartitioner {
  return () => {
    const partition = Partitioners.DefaultPartitioner();
    return (args) => {
      const earlier = chosen.get(args.message);
      if (earlier !== undefined && earlier < args.partitionMetadata.length) return earlier;
      const p = partition(args);
      chosen.set(args.message, p);
      return p;
    };
  };
}

export class KafkaJsProducer implements WorkloadClient {
  readonly library = KAFKAJS_LIBRARY;
  private producer: Producer | undefined;
  private readonly chosen = new WeakMap<Message, number>();
  /** Why this producer must not send again (see the header), until closed and reopened. */
  private retired: string | undefined;

  constructor(
    readonly process: number,
    private readonly access: ClusterAccess,
    private readonly settings: ProducerSettings,
    private readonly timeouts: ClientTimeouts,
  ) {
    const problem = producerSettingsProblem(settings);
    if (problem) throw new ClientSetupError(`producer ${process}: ${problem}`, { process, settings });
  }

  async open(): Promise<void> {
    if (this.producer !== undefined) return;
    const kafka = new Kafka(workerKafkaConfig(this.access, `kconform-producer-${this.process}`, this.timeouts));
    const producer = kafka.producer({
      idempotent: this.settings.idempotent,
      maxInFlightRequests: this.settings.maxInFlight,
      allowAutoTopicCreation: false,
      createPartitioner: stickyObservingPartitioner(this.chosen),
      retry: { retries: this.settings.retries, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    const connected = await settleWithin(producer.connect(), this.timeouts.operationMs);
    if (connected.outcome !== "resolved") {
      await producer.disconnect().catch(() => undefined);
      throw connected.outcome === "timeout" ? new Error(`connect timed out after ${connected.afterMs} ms`) : connected.error;
    }
    this.producer = producer;
  }

  async invoke(operation: ClientOperation): Promise<Completion> {
    const invoked = invokeValue(operation);
    if (operation.f !== "send") return { type: "fail", value: invoked, error: `a producer cannot ${operation.f}` };
    const producer = this.producer;
    if (producer === undefined) return { type: "fail", value: invoked, error: "the producer is not connected" };
    const messages = operation.sends.map((send) => this.message(send));
    const byTopic = new Map<string, Message[]>();
    operation.sends.forEach((send, i) => byTopic.set(send.topic, [...(byTopic.get(send.topic) ?? []), messages[i]]));
    const work = producer.sendBatch({
      acks: ACKS[this.settings.acks],
      timeout: this.timeouts.requestMs,
      topicMessages: [...byTopic].map(([topic, topicMessages]) => ({ topic, messages: topicMessages })),
    });
    const settled = await settleWithin(work, this.timeouts.operationMs);
    if (settled.outcome !== "resolved" && this.settings.idempotent) this.retired = "an idempotent send ended without an answer, and kafkajs would reuse its sequence numbers for the next send";
    if (settled.outcome === "timeout") return { type: "info", value: invoked, error: `no answer within ${settled.afterMs} ms` };
    if (settled.outcome === "rejected") return { ...failureOutcome(settled.error), value: invoked };
    const acknowledged = this.acknowledged(operation.sends, messages, settled.value);
    const unanswered = this.settings.acks === 0 ? [] : acknowledged.filter((mop) => mop[0] === "send" && Array.isArray(mop[2]) && mop[2][0] === null).map((mop) => mop[1]);
    if (unanswered.length > 0) {
      return { type: "info", value: invoked, error: `kafkajs reported success without an acknowledgement for ${[...new Set(unanswered)].join(", ")}` };
    }
    return { type: "ok", value: acknowledged };
  }

  takeObserved(): ObservedOperation[] {
    return [];
  }

  broken(): string | undefined {
    return this.retired;
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.retired = undefined;
    // Bounded: an abandoned send may still be retrying against a broker that does not answer.
    if (producer !== undefined) await settleWithin(producer.disconnect(), this.timeouts.operationMs);
  }

  private message(send: SendSpec): Message {
    return {
      value: String(send.value),
      ...(send.key !== undefined && send.key !== null ? { key: send.key } : {}),
      ...(send.partition !== undefined ? { partition: send.partition } : {}),
    };
  }

  /** Each send with its partition and offset: the batch's base offset plus its place in the batch. */
  private acknowledged(sends: readonly SendSpec[], messages: readonly Message[], metadata: readonly RecordMetadata[]): MicroOp[] {
    const baseOffsets = new Map(metadata.map((m) => [partitionName(m.topicName, m.partition), Number(m.baseOffset)]));
    const placed = new Map<string, number>();
    return sends.map((send, i): MicroOp => {
      const partition = send.partition ?? this.chosen.get(messages[i]);
      // kafkajs always runs the partitioner before sending; without it the record's place is unknown.
      const name = partition === undefined ? send.topic : partitionName(send.topic, partition);
      const base = baseOffsets.get(name);
      const nth = placed.get(name) ?? 0;
      placed.set(name, nth + 1);
      // acks=0 gets no offsets back (kafkajs reports none, or -1).
      const offset = base !== undefined && base >= 0 ? base + nth : null;
      return send.key === undefined ? ["send", name, [offset, send.value]] : ["send", name, [offset, send.value], { key: send.key }];
    });
  }
}
