// One streaming pass over a history that keeps what the reports draw: an even sample of the
// operations for the timeline, every operation an anomaly cites, and the latency and throughput
// series. Memory stays bounded however long the history is.
import type { HistoryEvent, Process } from "../../harness/history/types.ts";
import { LatencyHistogram, TimeBuckets, mergeOutcomeCounts, outcomeCounts, type OutcomeCounts } from "./series.ts";

export type OpOutcome = "ok" | "fail" | "info";

/** One operation as drawn: its invocation and completion paired, as Jepsen pairs them per process. */
export interface DrawnOp {
  /** Position of the operation among all client operations, in invocation order. */
  seq: number;
  process: Process;
  f: string;
  type: OpOutcome;
  /** Event index of the invocation (-1 when there was none) and of the completion (-1 when none). */
  invokeIndex: number;
  completionIndex: number;
  startNs: number;
  /** Completion time; undefined when the operation never completed. */
  endNs?: number;
  invokeValue?: unknown;
  completionValue?: unknown;
  error?: string;
}

export interface HistoryDigest {
  events: number;
  /** Client operations (invocations, plus completions without one). */
  operations: number;
  processes: number;
  nemesisEvents: number;
  /** Sampled operations in invocation order: every `stride`-th, plus every cited one. */
  drawn: DrawnOp[];
  stride: number;
  /** Latest event time. */
  endNs: number;
  /** Completed operations per outcome, by completion time. */
  throughput: TimeBuckets<OutcomeCounts>;
  /** Latencies of completed operations, by invocation time (as Jepsen plots them). */
  latency: TimeBuckets<LatencyHistogram>;
  /** Operations cited as evidence, under each event index that cites them. */
  evidence: Map<number, DrawnOp>;
}

export interface DigestOptions {
  /** Operations kept for the timeline: between this and twice this many, evenly spread. */
  maxOps?: number;
  /** Event indices anomalies cite: their operations are always kept. */
  evidence?: ReadonlySet<number>;
  /** Starting width of the chart buckets and their most; widths double to stay within it. */
  bucketNs?: number;
  maxBuckets?: number;
}

interface Pending {
  event: HistoryEvent;
  seq: number;
  op: DrawnOp | undefined;
}

type Raw = HistoryEvent & Record<string, unknown>;

export class HistoryDigester {
  private readonly maxOps: number;
  private readonly cited: ReadonlySet<number>;
  private readonly pending = new Map<number, Pending>();
  private readonly processes = new Set<number>();
  private drawn: DrawnOp[] = [];
  private stride = 1;
  /** Drawn operations on the stride (cited ones kept off it do not count towards the bound). */
  private sampled = 0;
  private seq = 0;
  private events = 0;
  private nemesisEvents = 0;
  private endNs = 0;
  private readonly evidence = new Map<number, DrawnOp>();
  private readonly throughput: TimeBuckets<OutcomeCounts>;
  private readonly latency: TimeBuckets<LatencyHistogram>;

  constructor(options: DigestOptions = {}) {
    this.maxOps = Math.max(1, options.maxOps ?? 2_000);
    this.cited = options.evidence ?? new Set();
    const bucketNs = options.bucketNs ?? 100_000_000;
    const maxBuckets = options.maxBuckets ?? 200;
    this.throughput = new TimeBuckets(outcomeCounts, mergeOutcomeCounts, bucketNs, maxBuckets);
    this.latency = new TimeBuckets(
      () => new LatencyHistogram(),
      (into, from) => into.merge(from),
      bucketNs,
      maxBuckets,
    );
  }

  add(event: HistoryEvent): void {
    this.events++;
    if (event.time > this.endNs) this.endNs = event.time;
    const process = event.process;
    if (typeof process !== "number") {
      this.nemesisEvents++;
      if (this.cited.has(event.index)) this.cite(this.standalone(event, -1));
      return;
    }
    this.processes.add(process);
    if (event.type === "invoke") {
      const earlier = this.pending.get(process);
      // A second invocation before a completion: the first never completed; it ends here.
      if (earlier) this.close(earlier, undefined, event.time);
      this.open(event);
      return;
    }
    const invoke = this.pending.get(process);
    if (invoke) {
      this.pending.delete(process);
      this.close(invoke, event, event.time);
    } else {
      const op = this.standalone(event, this.seq++);
      this.throughput.at(event.time)[op.type]++;
      if (this.cited.has(event.index)) {
        this.drawn.push(op);
        this.cite(op);
      }
    }
  }

  finish(): HistoryDigest {
    for (const pending of this.pending.values()) this.close(pending, undefined, undefined);
    this.pending.clear();
    return {
      events: this.events,
      operations: this.seq,
      processes: this.processes.size,
      nemesisEvents: this.nemesisEvents,
      // Cited operations join the sample when they complete; put them back in invocation order.
      drawn: this.drawn.sort((a, b) => a.seq - b.seq),
      stride: this.stride,
      endNs: this.endNs,
      throughput: this.throughput,
      latency: this.latency,
      evidence: this.evidence,
    };
  }

  private open(event: HistoryEvent): void {
    const seq = this.seq++;
    let op: DrawnOp | undefined;
    if (seq % this.stride === 0) {
      op = this.opOf(event, seq);
      this.drawn.push(op);
      this.sampled += 1;
      if (this.sampled >= 2 * this.maxOps) this.thin();
    }
    this.pending.set(event.process as number, { event, seq, op });
  }

  /** Halves the sample: keeps every (2·stride)-th operation, and the cited ones. */
  private thin(): void {
    this.stride *= 2;
    this.drawn = this.drawn.filter((op) => op.seq % this.stride === 0 || this.isCited(op));
    this.sampled = this.drawn.filter((op) => op.seq % this.stride === 0).length;
    for (const pending of this.pending.values()) {
      if (pending.op && pending.seq % this.stride !== 0) pending.op = undefined;
    }
  }

  private close(pending: Pending, completion: HistoryEvent | undefined, endNs: number | undefined): void {
    const cited = this.cited.has(pending.event.index) || (completion !== undefined && this.cited.has(completion.index));
    let op = pending.op;
    if (!op && cited) {
      op = this.opOf(pending.event, pending.seq);
      this.drawn.push(op);
    }
    const type = outcomeOf(completion);
    if (op) {
      op.type = type;
      op.endNs = completion ? completion.time : endNs;
      if (completion) {
        op.completionIndex = completion.index;
        op.completionValue = (completion as Raw).value;
        if (completion.error !== undefined) op.error = completion.error;
      }
      if (cited) this.cite(op);
    }
    if (completion) {
      this.throughput.at(completion.time)[type]++;
      this.latency.at(pending.event.time).add(completion.time - pending.event.time);
    }
  }

  private cite(op: DrawnOp): void {
    if (op.invokeIndex >= 0) this.evidence.set(op.invokeIndex, op);
    if (op.completionIndex >= 0) this.evidence.set(op.completionIndex, op);
  }

  private isCited(op: DrawnOp): boolean {
    return this.cited.has(op.invokeIndex) || this.cited.has(op.completionIndex);
  }

  private opOf(invoke: HistoryEvent, seq: number): DrawnOp {
    return {
      seq,
      process: invoke.process,
      f: invoke.f,
      type: "info",
      invokeIndex: invoke.index,
      completionIndex: -1,
      startNs: invoke.time,
      invokeValue: (invoke as Raw).value,
    };
  }

  /** An event with no partner (a nemesis event, a completion nobody invoked) as an instant. */
  private standalone(event: HistoryEvent, seq: number): DrawnOp {
    return {
      seq,
      process: event.process,
      f: event.f,
      type: event.type === "invoke" ? "info" : outcomeOf(event),
      invokeIndex: event.type === "invoke" ? event.index : -1,
      completionIndex: event.type === "invoke" ? -1 : event.index,
      startNs: event.time,
      endNs: event.time,
      ...(event.type === "invoke" ? { invokeValue: (event as Raw).value } : { completionValue: (event as Raw).value }),
      ...(event.error !== undefined && { error: event.error }),
    };
  }
}

/** An operation without an ok or fail completion is indeterminate. */
function outcomeOf(completion: HistoryEvent | undefined): OpOutcome {
  return completion?.type === "ok" || completion?.type === "fail" ? completion.type : "info";
}

/** Digests a whole history from any iterable of events. */
export async function digestHistory(events: AsyncIterable<HistoryEvent> | Iterable<HistoryEvent>, options: DigestOptions = {}): Promise<HistoryDigest> {
  const digester = new HistoryDigester(options);
  for await (const event of events) digester.add(event);
  return digester.finish();
}
