// One workload worker's loop: it turns its plan into operations at its rate, hands each to its
// client, and records the invocation and the completion in the history. A client that breaks is
// recorded as crashed, reopened, and rejoins as it first did.
import { setTimeout as sleep } from "node:timers/promises";
import type { HistoryEvent, NewHistoryEvent } from "../history/types.ts";
import { invokeValue, partitionName, type ClientOperation, type Completion, type WorkloadClient } from "../clients/workload-client.ts";
import { keyName, type ConsumerPlan, type ProducerPlan } from "../generator/plan.ts";

export type Recorder = (event: NewHistoryEvent) => HistoryEvent;

export interface WorkerContext {
  topic: string;
  record: Recorder;
  /** Unique record values for the whole run. */
  nextValue: () => number;
  /** Aborts when the workload phase ends; the current operation still completes. */
  signal: AbortSignal;
  /** Called with each completed client operation, for progress displays. */
  onCompletion?: () => void;
}

export type WorkerPlan = { role: "producer"; plan: ProducerPlan } | { role: "consumer"; plan: ConsumerPlan };

/** The consumer group a plan's group number stands for. */
export function groupName(topic: string, group: number): string {
  return `${topic}-g${group}`;
}

/** The operation a producer performs the i-th time: its pattern, cycled, with fresh values. */
export function producerOperation(plan: ProducerPlan, i: number, topic: string, nextValue: () => number): ClientOperation {
  const shapes = plan.pattern[i % plan.pattern.length];
  return {
    f: "send",
    sends: shapes.map((shape) => ({
      topic,
      value: nextValue(),
      ...(shape.partition !== undefined ? { partition: shape.partition } : {}),
      ...(shape.key !== null ? { key: keyName(shape.key) } : {}),
    })),
  };
}

export function membershipOperation(plan: ConsumerPlan, topic: string): ClientOperation {
  const membership = plan.membership;
  return membership.mode === "assign"
    ? { f: "assign", partitions: membership.partitions.map((p) => partitionName(topic, p)), seekToBeginning: membership.seekToBeginning }
    : { f: "subscribe", topics: [topic], group: groupName(topic, membership.group) };
}

export function consumerOperation(plan: ConsumerPlan, i: number): ClientOperation {
  return { f: plan.pattern[i % plan.pattern.length] };
}

/** The history event of an invocation. */
export function invokeEvent(process: number, operation: ClientOperation): NewHistoryEvent {
  return { process, type: "invoke", ...operationFields(operation), value: invokeValue(operation) } as NewHistoryEvent;
}

/** The history event of a completion. */
export function completionEvent(process: number, operation: ClientOperation, completion: Completion): NewHistoryEvent {
  return {
    process,
    type: completion.type,
    ...operationFields(operation),
    value: completion.value,
    ...(completion.error !== undefined ? { error: completion.error } : {}),
    ...(completion.rebalance !== undefined ? { rebalance: completion.rebalance } : {}),
    ...(completion.generation !== undefined ? { generation: completion.generation } : {}),
    ...(completion.group !== undefined ? { group: completion.group } : {}),
  } as NewHistoryEvent;
}

function operationFields(operation: ClientOperation): { f: ClientOperation["f"]; group?: string; "seek-to-beginning"?: boolean } {
  if (operation.f === "subscribe") return { f: operation.f, group: operation.group };
  if (operation.f === "assign") return { f: operation.f, "seek-to-beginning": operation.seekToBeginning };
  return { f: operation.f };
}

/** Records the invocation, invokes, records the completion and whatever the client did on its own. */
export async function perform(client: WorkloadClient, operation: ClientOperation, context: WorkerContext): Promise<Completion> {
  context.record(invokeEvent(client.process, operation));
  const completion = await client.invoke(operation);
  context.record(completionEvent(client.process, operation, completion));
  context.onCompletion?.();
  for (const observed of client.takeObserved()) {
    const { value, group, generation } = observed;
    context.record({ process: client.process, type: "invoke", f: "commit", value, group });
    context.record({ process: client.process, type: "ok", f: "commit", value, group, ...(generation !== undefined ? { generation } : {}) });
  }
  return completion;
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

/** Opens the client, retrying while the cluster cannot be reached, until the phase ends. */
async function openClient(client: WorkloadClient, signal: AbortSignal): Promise<boolean> {
  while (!signal.aborted) {
    try {
      await client.open();
      return true;
    } catch {
      await pause(500, signal);
    }
  }
  return false;
}

/** Runs one worker until `context.signal` aborts; closes its client at the end. */
export async function runWorker(client: WorkloadClient, worker: WorkerPlan, context: WorkerContext): Promise<void> {
  const { signal } = context;
  const intervalMs = 1_000 / worker.plan.ratePerSecond;
  try {
    if (!(await openClient(client, signal))) return;
    if (worker.role === "consumer") await perform(client, membershipOperation(worker.plan, context.topic), context);
    for (let i = 0; !signal.aborted; i++) {
      const startedAt = performance.now();
      const operation = worker.role === "producer" ? producerOperation(worker.plan, i, context.topic, context.nextValue) : consumerOperation(worker.plan, i);
      await perform(client, operation, context);
      const broken = client.broken();
      if (broken !== undefined) {
        context.record({ process: client.process, type: "invoke", f: "crash", value: null });
        await client.close();
        context.record({ process: client.process, type: "info", f: "crash", value: null, error: broken });
        if (!(await openClient(client, signal))) return;
        if (worker.role === "consumer") await perform(client, membershipOperation(worker.plan, context.topic), context);
      }
      await pause(intervalMs - (performance.now() - startedAt), signal);
    }
  } finally {
    await client.close();
  }
}
