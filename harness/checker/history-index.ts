// The checker's single pass over the raw events: pairs invocations with completions, compacts each
// operation into numbers (partitions interned, micro-operations flattened), and builds the shared
// indexes every analysis reads: partition logs, who wrote each value, who polled it.
// It never throws on odd input: what it cannot read it counts, and the verdict becomes unknown.
import type { HistoryEvent } from "../history/types.ts";
import { Names } from "./names.ts";
import { isMicroOps, Kind, OpTable, Outcome, type OpExtras, type RebalanceFact } from "./op-table.ts";
import { PartitionLog } from "./partition-log.ts";
import { IntMap } from "./int-map.ts";
import { NumberColumn } from "./number-column.ts";
import { PendingInvokes } from "./pending-invokes.ts";
import { positionsOfReads } from "./read-positions.ts";
import { ValueTable } from "./value-table.ts";

/** Jepsen names no group; one unnamed group stands for it. */
export const DEFAULT_GROUP = "";

type Raw = Record<string, unknown>;

const KINDS: Record<string, Kind> = {
  send: Kind.send,
  poll: Kind.poll,
  txn: Kind.txn,
  assign: Kind.assign,
  subscribe: Kind.subscribe,
  commit: Kind.commit,
  crash: Kind.crash,
};

/** Indexed by Outcome: when a value is sent twice (a harness bug), ok > info > fail speaks for it. */
const RANK = [2, 0, 1, 0];

export class HistoryIndex {
  readonly names = new Names();
  readonly ops = new OpTable();
  readonly logs: (PartitionLog | undefined)[] = [];
  /** Every send of every operation as (target, offset or NaN, value) triples. */
  readonly writes = new NumberColumn();
  /** Every polled record of every operation as (partition, offset or NaN, value) triples. */
  readonly reads = new NumberColumn();
  /** Where each value was claimed and first polled. */
  readonly values = new ValueTable();
  /** Value to its writer: target, row in `ops`, outcome. */
  private readonly writerSlot = new IntMap();
  private readonly writerValue = new NumberColumn();
  private readonly writerTarget = new NumberColumn();
  private readonly writerOp = new NumberColumn();
  private readonly writerOutcome = new NumberColumn();
  private readonly pending = new PendingInvokes<Raw>();
  /** Offsets of indeterminate sends, (partition, offset, value, row): trusted once proven. */
  private readonly deferredInfoClaims: number[] = [];
  private committedCache: Int8Array | undefined;
  private readPositionsCache: Int32Array | undefined;
  private finished = false;

  readonly counts = {
    events: 0,
    ok: 0,
    fail: 0,
    info: 0,
    neverCompleted: 0,
    unmatchedCompletions: 0,
    nemesisEvents: 0,
    recordsPolled: 0,
    /** Micro-operations, records and fields too malformed to use. */
    ignored: 0,
    /** Values sent by more than one operation: a harness bug, since values are unique per run. */
    resent: 0,
  };
  hasTxn = false;
  hasSubscribe = false;

  add(event: HistoryEvent): void {
    this.counts.events++;
    const raw = event as unknown as Raw;
    const process = raw.process;
    if (raw.f === "create-partitions") {
      // Acts when invoked too: the partition count may change any time until it completes.
      const outcome = raw.type === "invoke" ? Outcome.invoke : outcomeOf(raw.type);
      this.ops.add(Kind.createPartitions, outcome, typeof process === "number" ? process : -1, raw.index as number, -1, { targets: this.targets(raw.value) });
    }
    if (typeof process !== "number") {
      this.counts.nemesisEvents++;
      return;
    }
    if (raw.type === "invoke") {
      const earlier = this.pending.get(process);
      // A second invocation before a completion: the first one's fate is unknown.
      if (earlier) this.complete(earlier, undefined, Outcome.info);
      this.pending.set(process, raw);
      return;
    }
    const invoke = this.pending.get(process);
    if (invoke) this.pending.delete(process);
    else this.counts.unmatchedCompletions++;
    this.complete(invoke, raw, outcomeOf(raw.type));
  }

  /** Completes what is still pending (as indeterminate) and makes the indexes final. */
  finish(): this {
    if (this.finished) return this;
    this.finished = true;
    for (const invoke of this.pending.drain()) {
      this.counts.neverCompleted++;
      this.complete(invoke, undefined, Outcome.info);
    }
    // Jepsen trusts an indeterminate send's offsets only once one of its values was seen.
    const deferred = this.deferredInfoClaims;
    for (let i = 0; i < deferred.length; i += 4) {
      const row = deferred[i + 3];
      if (this.committed(row)) this.log(deferred[i]).claim(deferred[i + 1], deferred[i + 2], this.ops.index[row]);
    }
    return this;
  }

  log(partition: number): PartitionLog {
    let log = this.logs[partition];
    if (log === undefined) {
      log = new PartitionLog(partition, this.values);
      this.logs[partition] = log;
    }
    return log;
  }

  /** Per polled record (triple i of `reads` at i / 3), its version-order position or -1; once all claims are in. */
  readPositions(): Int32Array {
    return (this.readPositionsCache ??= positionsOfReads(this));
  }

  /** Row in `ops` of the operation that sent `value`, or -1. */
  writerOf(value: number): number {
    const slot = this.writerSlot.get(value);
    return slot < 0 ? -1 : this.writerOp.at(slot);
  }

  /** The partition (or topic) `value` was sent to, or -1. */
  writerTargetOf(value: number): number {
    const slot = this.writerSlot.get(value);
    return slot < 0 ? -1 : this.writerTarget.at(slot);
  }

  /** Visits every sent value with its writer's row, target and outcome, in order of sending. */
  forEachWriter(visit: (value: number, row: number, target: number, outcome: Outcome) => void): void {
    for (let slot = 0; slot < this.writerValue.length; slot++) {
      visit(this.writerValue.at(slot), this.writerOp.at(slot), this.writerTarget.at(slot), this.writerOutcome.at(slot) as Outcome);
    }
  }

  get valuesSent(): number {
    return this.writerValue.length;
  }

  /** Event index of the first ok poll of `value` in a partition `target` covers, or -1. */
  okReaderOf(target: number, value: number): number {
    const direct = this.values.okReaderIn(target, value);
    if (direct >= 0) return direct;
    for (const partition of this.names.partitionsOf(target)) {
      const reader = this.values.okReaderIn(partition, value);
      if (reader >= 0) return reader;
    }
    return -1;
  }

  /**
   * Jepsen's must-have-committed?: the operation is ok, or indeterminate but one of its sends was
   * polled by an ok operation.
   */
  committed(row: number): boolean {
    const cache = (this.committedCache ??= new Int8Array(this.ops.length));
    if (row >= cache.length) return this.provenCommitted(row);
    if (cache[row] === 0) cache[row] = this.provenCommitted(row) ? 1 : -1;
    return cache[row] === 1;
  }

  /** The consumer group an operation names, or DEFAULT_GROUP. */
  groupOf(row: number): string {
    return this.ops.extrasOf(row).group ?? DEFAULT_GROUP;
  }

  private provenCommitted(row: number): boolean {
    const outcome = this.ops.outcome[row];
    if (outcome === Outcome.ok) return true;
    if (outcome !== Outcome.info) return false;
    const writes = this.writes;
    for (let i = this.ops.writeFrom[row]; i < this.ops.writeTo[row]; i += 3) {
      if (this.okReaderOf(writes.at(i), writes.at(i + 2)) >= 0) return true;
    }
    return false;
  }

  private complete(invoke: Raw | undefined, completion: Raw | undefined, outcome: Outcome): void {
    const source = (completion ?? invoke) as Raw;
    if (source.f === "create-partitions") return;
    const kind = KINDS[source.f as string];
    // Other client operations (debugging, admin reads) say nothing the analyses use.
    if (kind === undefined) return;
    if (outcome === Outcome.ok) this.counts.ok++;
    else if (outcome === Outcome.fail) this.counts.fail++;
    else this.counts.info++;
    if (kind === Kind.txn) this.hasTxn = true;
    if (kind === Kind.subscribe) this.hasSubscribe = true;
    const row = this.ops.add(kind, outcome, source.process as number, source.index as number, invoke ? (invoke.index as number) : -1, this.extras(kind, invoke, completion));
    if (isMicroOps(kind)) this.microOps(row, invoke, completion, outcome);
  }

  /** What an operation carries besides micro-operations, or undefined (most carry nothing). */
  private extras(kind: Kind, invoke: Raw | undefined, completion: Raw | undefined): OpExtras | undefined {
    const rebalance = completion?.rebalance === undefined ? undefined : this.rebalance(completion);
    if (isMicroOps(kind) || kind === Kind.crash) return rebalance && { rebalance };
    const source = (completion ?? invoke) as Raw;
    const extras: OpExtras = rebalance ? { rebalance } : {};
    const group = typeof source.group === "string" ? source.group : invoke?.group;
    if (typeof group === "string" && group !== DEFAULT_GROUP) extras.group = group;
    const value = source.value ?? invoke?.value;
    if (kind === Kind.commit) {
      extras.commits = this.commits(value);
    } else {
      extras.targets = this.targets(value);
      if ((source["seek-to-beginning"] ?? invoke?.["seek-to-beginning"]) === true) extras.seekToBeginning = true;
    }
    return extras;
  }

  private targets(value: unknown): number[] {
    const ids: number[] = [];
    if (Array.isArray(value)) {
      for (const name of value) {
        if (typeof name === "string") ids.push(this.names.id(name));
        else this.counts.ignored++;
      }
    } else if (isObject(value)) {
      for (const name of Object.keys(value)) ids.push(this.names.id(name));
    } else {
      this.counts.ignored++;
    }
    return ids;
  }

  private commits(value: unknown): number[] {
    const pairs: number[] = [];
    if (!isObject(value)) {
      this.counts.ignored++;
      return pairs;
    }
    for (const [name, offset] of Object.entries(value)) {
      if (Number.isFinite(offset)) pairs.push(this.names.id(name), offset as number);
      else this.counts.ignored++;
    }
    return pairs;
  }

  private rebalance(event: Raw): RebalanceFact[] | undefined {
    const events = event.rebalance;
    if (!Array.isArray(events)) {
      this.counts.ignored++;
      return undefined;
    }
    const generation = typeof event.generation === "number" ? event.generation : undefined;
    const facts: RebalanceFact[] = [];
    for (const fact of events) {
      if (!isObject(fact) || !Array.isArray(fact.partitions)) {
        this.counts.ignored++;
        continue;
      }
      facts.push({
        assigned: fact.type === "assigned",
        partitions: this.targets(fact.partitions),
        generation: typeof fact.generation === "number" ? fact.generation : generation,
      });
    }
    return facts;
  }

  private microOps(row: number, invoke: Raw | undefined, completion: Raw | undefined, outcome: Outcome): void {
    const { ops, writes } = this;
    const mops = Array.isArray(completion?.value) ? completion.value : invoke?.value;
    const invoked = Array.isArray(invoke?.value) ? (invoke.value as unknown[]) : undefined;
    ops.writeFrom[row] = writes.length;
    ops.readFrom[row] = this.reads.length;
    let keys: (string | null)[] | undefined;
    if (Array.isArray(mops)) {
      for (let m = 0; m < mops.length; m++) {
        const mop = mops[m];
        if (!Array.isArray(mop)) {
          this.counts.ignored++;
        } else if (mop[0] === "send") {
          const before = writes.length;
          const key = this.send(mop, invoked?.[m], row, outcome);
          if (writes.length === before) continue;
          if (key !== null) {
            keys ??= new Array<string | null>((before - ops.writeFrom[row]) / 3).fill(null);
            keys.push(key);
          } else if (keys) {
            keys.push(null);
          }
        } else if (mop[0] === "poll") {
          this.poll(mop[1], row, outcome);
        } else {
          this.counts.ignored++;
        }
      }
    } else {
      this.counts.ignored++;
    }
    ops.writeTo[row] = writes.length;
    ops.readTo[row] = this.reads.length;
    if (keys) ops.setExtras(row, { keys });
  }

  /** Indexes one send; returns its key when the partitioner placed it, else null. */
  private send(mop: unknown[], invoked: unknown, row: number, outcome: Outcome): string | null {
    const target = mop[1];
    const sent = mop[2];
    let offset = NaN;
    let value: unknown = sent;
    if (Array.isArray(sent)) {
      offset = Number.isFinite(sent[0]) ? (sent[0] as number) : NaN;
      value = sent[1];
    }
    if (typeof target !== "string" || !Number.isFinite(value)) {
      this.counts.ignored++;
      return null;
    }
    const partition = this.names.id(target);
    this.writes.pushTriple(partition, offset, value as number);
    this.wrote(value as number, partition, row, outcome);
    if (!Number.isNaN(offset)) {
      if (outcome === Outcome.ok) this.log(partition).claim(offset, value as number, this.ops.index[row]);
      else if (outcome === Outcome.info) this.deferredInfoClaims.push(partition, offset, value as number, row);
    }
    const extras = mop[3];
    const key = isObject(extras) && typeof extras.key === "string" ? extras.key : null;
    if (key === null || outcome !== Outcome.ok) return null;
    const invokedTarget = Array.isArray(invoked) && typeof invoked[1] === "string" ? invoked[1] : undefined;
    const topic = this.names.topicOf(partition);
    return invokedTarget !== undefined && topic >= 0 && this.names.name(topic) === invokedTarget ? key : null;
  }

  private wrote(value: number, target: number, row: number, outcome: Outcome): void {
    const slot = this.writerSlot.get(value);
    if (slot < 0) {
      this.writerSlot.set(value, this.writerOp.length);
      this.writerValue.push(value);
      this.writerTarget.push(target);
      this.writerOp.push(row);
      this.writerOutcome.push(outcome);
      return;
    }
    this.counts.resent++;
    if (RANK[outcome] > RANK[this.writerOutcome.at(slot)]) {
      this.writerTarget.set(slot, target);
      this.writerOp.set(slot, row);
      this.writerOutcome.set(slot, outcome);
    }
  }

  private poll(records: unknown, row: number, outcome: Outcome): void {
    if (records === undefined) return;
    if (!isObject(records)) {
      this.counts.ignored++;
      return;
    }
    const { reads, values } = this;
    const ok = outcome === Outcome.ok;
    const op = this.ops.index[row];
    let polled = 0;
    for (const name in records) {
      const pairs = records[name];
      if (!Array.isArray(pairs)) {
        this.counts.ignored++;
        continue;
      }
      const partition = this.names.id(name);
      const log = this.log(partition);
      for (let p = 0; p < pairs.length; p++) {
        const pair = pairs[p];
        const value = Array.isArray(pair) ? pair[1] : undefined;
        if (typeof value !== "number" || !Number.isFinite(value)) {
          this.counts.ignored++;
          continue;
        }
        const at = pair[0];
        const offset = typeof at === "number" && Number.isFinite(at) ? at : NaN;
        reads.pushTriple(partition, offset, value);
        polled++;
        // Jepsen builds the version order from every poll, whatever its outcome.
        if (!Number.isNaN(offset)) log.claim(offset, value, op);
        if (ok) values.polledOk(value, partition, op);
      }
    }
    this.counts.recordsPolled += polled;
  }
}

function outcomeOf(type: unknown): Outcome {
  return type === "ok" ? Outcome.ok : type === "fail" ? Outcome.fail : Outcome.info;
}

function isObject(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
