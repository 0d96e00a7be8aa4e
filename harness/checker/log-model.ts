// A correct Kafka, in memory: partitions that hand out sequential offsets, transactions that
// commit atomically (their markers and aborted records take offsets nobody sees), consumers that
// read contiguous ranges, a group that rebalances and keeps committed offsets. It turns a list of
// steps into the history a flawless broker would produce, for the checker's property tests and
// benchmark: whatever the steps, the checker must find nothing.
import type { HistoryEvent, MicroOp, RebalanceEvent } from "../history/types.ts";

export type ModelAction = "send" | "send-keyed" | "poll" | "txn" | "assign" | "subscribe" | "commit" | "crash" | "nemesis";
/** How the operation ends: applied and acknowledged, applied or not but indeterminate, or refused. */
export type ModelOutcome = "ok" | "info-applied" | "info-lost" | "fail";

export interface ModelStep {
  process: number;
  action: ModelAction;
  /** Free choice the model reduces to what it needs: partitions, counts, keys. */
  pick: number;
  outcome: ModelOutcome;
  /** Complete at once instead of when the process next acts, which interleaves operations. */
  completeNow: boolean;
}

export interface ModelOptions {
  topic?: string;
  partitions?: number;
  /** Records a consumer poll returns at most per partition (the final reads take more). */
  maxPollRecords?: number;
}

const GROUP = "g";

interface Entry {
  value: number;
  visible: boolean;
}

interface Consumer {
  mode: "none" | "assign" | "subscribe";
  /** Partition to the next offset this consumer will read. */
  positions: Map<number, number>;
  /** For group members: the generation whose assignment `positions` follows. */
  generation: number;
}

/** A completion event waiting to be written, without its process, index and time. */
type Completion = Record<string, unknown>;

export function simulate(steps: readonly ModelStep[], options: ModelOptions = {}): HistoryEvent[] {
  return new LogModel(options).run(steps);
}

class LogModel {
  private readonly topic: string;
  private readonly partitionCount: number;
  private readonly maxPollRecords: number;
  private readonly logs: Entry[][];
  private readonly events: HistoryEvent[] = [];
  private readonly consumers = new Map<number, Consumer>();
  private readonly outstanding = new Map<number, Completion>();
  private readonly members: number[] = [];
  private readonly committed = new Map<number, number>();
  private generation = 0;
  private nextValue = 0;

  constructor(options: ModelOptions) {
    this.topic = options.topic ?? "t";
    this.partitionCount = Math.max(1, options.partitions ?? 3);
    this.maxPollRecords = Math.max(1, options.maxPollRecords ?? 4);
    this.logs = Array.from({ length: this.partitionCount }, () => []);
  }

  run(steps: readonly ModelStep[]): HistoryEvent[] {
    let finalProcess = 0;
    for (const step of steps) {
      finalProcess = Math.max(finalProcess, step.process + 1);
      this.step(step);
    }
    for (const process of [...this.outstanding.keys()]) this.completeOutstanding(process);
    this.finalReads(finalProcess);
    return this.events;
  }

  private partitionName(partition: number): string {
    return `${this.topic}-${partition}`;
  }

  private emit(event: Record<string, unknown>): void {
    const index = this.events.length;
    this.events.push({ ...event, index, time: index * 1000 } as HistoryEvent);
  }

  private consumer(process: number): Consumer {
    let consumer = this.consumers.get(process);
    if (consumer === undefined) {
      consumer = { mode: "none", positions: new Map(), generation: -1 };
      this.consumers.set(process, consumer);
    }
    return consumer;
  }

  private completeOutstanding(process: number): void {
    const completion = this.outstanding.get(process);
    if (completion === undefined) return;
    this.outstanding.delete(process);
    this.emit({ process, ...completion });
  }

  private step(step: ModelStep): void {
    const { process, action } = step;
    this.completeOutstanding(process);
    if (action === "nemesis") {
      this.emit({ process: "nemesis", type: "info", f: "kill", value: { nodes: [step.pick % 3] } });
      return;
    }
    const consumer = this.consumer(process);
    if (action === "commit" && consumer.mode !== "subscribe") return;
    // A group member learns of a new generation when it next acts, and acts on it at once.
    const rebalance = consumer.mode === "subscribe" ? this.catchUp(consumer, process) : undefined;
    const completion = this.perform(step, consumer, process);
    if (rebalance) Object.assign(completion, rebalance);
    if (step.completeNow) this.emit({ process, ...completion });
    else this.outstanding.set(process, completion);
  }

  /** Performs one operation: emits its invocation, applies it, returns its completion. */
  private perform(step: ModelStep, consumer: Consumer, process: number): Completion {
    const { pick, outcome } = step;
    const applied = outcome === "ok" || outcome === "info-applied";
    const type = outcome === "ok" ? "ok" : outcome === "fail" ? "fail" : "info";
    switch (step.action) {
      case "send": {
        const partition = pick % this.partitionCount;
        const value = this.nextValue++;
        this.emit({ process, type: "invoke", f: "send", value: [["send", this.partitionName(partition), value]] });
        const offset = applied ? this.append(partition, value, true) : -1;
        return { type, f: "send", value: [["send", this.partitionName(partition), type === "ok" ? [offset, value] : value]] };
      }
      case "send-keyed": {
        const key = `k${pick % 7}`;
        const partition = keyHash(key) % this.partitionCount;
        const value = this.nextValue++;
        this.emit({ process, type: "invoke", f: "send", value: [["send", this.topic, value, { key }]] });
        const offset = applied ? this.append(partition, value, true) : -1;
        const target = type === "ok" ? this.partitionName(partition) : this.topic;
        return { type, f: "send", value: [["send", target, type === "ok" ? [offset, value] : value, { key }]] };
      }
      case "poll": {
        this.emit({ process, type: "invoke", f: "poll", value: [["poll"]] });
        const records = this.read(consumer, applied, this.maxPollRecords);
        return { type, f: "poll", value: [type === "ok" ? ["poll", records] : ["poll"]] };
      }
      case "txn":
        return this.transaction(step, consumer, process, type, applied);
      case "assign": {
        const partitions = this.choosePartitions(pick);
        const seek = pick % 5 === 0;
        this.emit({ process, type: "invoke", f: "assign", value: partitions.map((p) => this.partitionName(p)), ...(seek && { "seek-to-beginning": true }) });
        this.leaveGroup(consumer, process);
        consumer.mode = "assign";
        const positions = new Map<number, number>();
        for (const p of partitions) positions.set(p, seek ? 0 : (consumer.positions.get(p) ?? 0));
        consumer.positions = positions;
        return { type: "ok", f: "assign", value: partitions.map((p) => this.partitionName(p)) };
      }
      case "subscribe": {
        this.emit({ process, type: "invoke", f: "subscribe", value: [this.topic], group: GROUP });
        if (consumer.mode !== "subscribe") {
          consumer.mode = "subscribe";
          consumer.positions = new Map();
          this.members.push(process);
          this.generation++;
        }
        return { type: "ok", f: "subscribe", value: [this.topic], group: GROUP, ...this.catchUp(consumer, process) };
      }
      case "commit": {
        const offsets: Record<string, number> = {};
        for (const [p, position] of consumer.positions) offsets[this.partitionName(p)] = position;
        this.emit({ process, type: "invoke", f: "commit", value: offsets, group: GROUP });
        if (type === "fail") return { type, f: "commit", value: offsets, group: GROUP };
        for (const [p, position] of consumer.positions) this.committed.set(p, position);
        return { type: "ok", f: "commit", value: offsets, group: GROUP };
      }
      case "crash": {
        this.emit({ process, type: "invoke", f: "crash", value: null });
        this.leaveGroup(consumer, process);
        this.consumers.delete(process);
        return { type: "info", f: "crash", value: null };
      }
      default:
        throw new Error(`unknown model action ${String(step.action)}`);
    }
  }

  private transaction(step: ModelStep, consumer: Consumer, process: number, type: "ok" | "fail" | "info", applied: boolean): Completion {
    const { pick } = step;
    const sends = 1 + (pick % 3);
    const polls = (pick >> 2) % 2 === 1;
    const invoked: MicroOp[] = polls ? [["poll"]] : [];
    const planned: [number, number][] = [];
    for (let s = 0; s < sends; s++) {
      const partition = (pick + s * (1 + (pick % 2))) % this.partitionCount;
      const value = this.nextValue++;
      planned.push([partition, value]);
      invoked.push(["send", this.partitionName(partition), value]);
    }
    this.emit({ process, type: "invoke", f: "txn", value: invoked });
    // Reads see only what committed before; an aborted transaction rewinds its consumer.
    const records = polls ? this.read(consumer, applied, this.maxPollRecords) : undefined;
    const touched = new Set<number>();
    const completed: MicroOp[] = records ? [["poll", records]] : [];
    for (const [partition, value] of planned) {
      const offset = applied || type === "fail" ? this.append(partition, value, applied) : -1;
      touched.add(partition);
      completed.push(["send", this.partitionName(partition), [offset, value]]);
    }
    // Commit and abort markers take an offset in every partition the transaction wrote.
    if (applied || type === "fail") for (const partition of touched) this.append(partition, -1, false);
    return { type, f: "txn", value: type === "ok" ? completed : invoked };
  }

  private append(partition: number, value: number, visible: boolean): number {
    const log = this.logs[partition];
    log.push({ value, visible });
    return log.length - 1;
  }

  private read(consumer: Consumer, advance: boolean, limit: number): Record<string, [number, number][]> {
    const records: Record<string, [number, number][]> = {};
    for (const [partition, position] of [...consumer.positions].sort((a, b) => a[0] - b[0])) {
      const log = this.logs[partition];
      const pairs: [number, number][] = [];
      let next = position;
      for (; next < log.length && pairs.length < limit; next++) {
        if (log[next].visible) pairs.push([next, log[next].value]);
      }
      if (pairs.length > 0) records[this.partitionName(partition)] = pairs;
      if (advance) consumer.positions.set(partition, next);
    }
    return records;
  }

  private choosePartitions(pick: number): number[] {
    const chosen: number[] = [];
    for (let p = 0; p < this.partitionCount; p++) if ((pick >> p) & 1) chosen.push(p);
    return chosen.length > 0 ? chosen : [pick % this.partitionCount];
  }

  private leaveGroup(consumer: Consumer, process: number): void {
    if (consumer.mode !== "subscribe") return;
    this.members.splice(this.members.indexOf(process), 1);
    this.generation++;
  }

  /** A generation's assignment: partitions dealt round-robin over the members in join order. */
  private assignmentOf(process: number): number[] {
    const at = this.members.indexOf(process);
    const owned: number[] = [];
    for (let p = 0; p < this.partitionCount; p++) if (p % this.members.length === at) owned.push(p);
    return owned;
  }

  /** Brings a member to the current generation (eager protocol); returns what it observed. */
  private catchUp(consumer: Consumer, process: number): { rebalance: RebalanceEvent[]; generation: number } | undefined {
    if (consumer.generation === this.generation) return undefined;
    const revoked = [...consumer.positions.keys()].sort((a, b) => a - b);
    const assigned = this.assignmentOf(process);
    consumer.generation = this.generation;
    consumer.positions = new Map(assigned.map((p) => [p, this.committed.get(p) ?? 0]));
    const rebalance: RebalanceEvent[] = [];
    if (revoked.length > 0) rebalance.push({ type: "revoked", partitions: revoked.map((p) => this.partitionName(p)) });
    rebalance.push({ type: "assigned", partitions: assigned.map((p) => this.partitionName(p)) });
    return { rebalance, generation: this.generation };
  }

  /** The final phase: a fresh consumer assigned every partition reads it all from the beginning. */
  private finalReads(process: number): void {
    const all = Array.from({ length: this.partitionCount }, (_, p) => p);
    const names = all.map((p) => this.partitionName(p));
    this.emit({ process, type: "invoke", f: "assign", value: names, "seek-to-beginning": true });
    this.emit({ process, type: "ok", f: "assign", value: names, "seek-to-beginning": true });
    const consumer: Consumer = { mode: "assign", positions: new Map(all.map((p) => [p, 0])), generation: -1 };
    while ([...consumer.positions].some(([p, position]) => position < this.logs[p].length)) {
      this.emit({ process, type: "invoke", f: "poll", value: [["poll"]] });
      this.emit({ process, type: "ok", f: "poll", value: [["poll", this.read(consumer, true, 500)]] });
    }
  }
}

/** A stable stand-in for the client's partitioner: the same key, the same partition. */
function keyHash(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) >>> 0;
  return hash;
}
