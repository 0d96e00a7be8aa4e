// The history's client operations as columns of typed arrays, one row per operation, in order of
// completion. A million operations as objects would be a million objects for the garbage
// collector to trace on every pass; as columns they are a dozen arrays. What few operations carry
// beyond numbers (targets, groups, rebalances, keys) sits in a side list.

export const Kind = {
  send: 0,
  poll: 1,
  txn: 2,
  assign: 3,
  subscribe: 4,
  commit: 5,
  crash: 6,
  createPartitions: 7,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** send, poll and txn: operations made of micro-operations. */
export function isMicroOps(kind: number): boolean {
  return kind <= Kind.txn;
}

export function isMembership(kind: number): boolean {
  return kind === Kind.assign || kind === Kind.subscribe;
}

export const Outcome = { ok: 0, fail: 1, info: 2, invoke: 3 } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

export interface RebalanceFact {
  assigned: boolean;
  partitions: readonly number[];
  generation: number | undefined;
}

/** What an operation carries besides numbers; most carry nothing. */
export interface OpExtras {
  /** Membership: partitions or topics; create-partitions: topics. */
  targets?: readonly number[];
  /** Commit: (partition, offset) pairs. */
  commits?: readonly number[];
  /** Named consumer group (subscribe, commit). */
  group?: string;
  seekToBeginning?: boolean;
  rebalance?: readonly RebalanceFact[];
  /** Per send of the operation, its key when the partitioner placed it (the invoke named a topic). */
  keys?: readonly (string | null)[];
}

const NO_EXTRAS: OpExtras = Object.freeze({});
/** Initial rows; the columns double as needed. */
const CAPACITY = 16384;

export class OpTable {
  length = 0;
  kind = new Uint8Array(CAPACITY);
  outcome = new Uint8Array(CAPACITY);
  /** Client process, -1 for the nemesis. */
  process = new Int32Array(CAPACITY);
  /** Event index of the completion (of the invocation, for one that never completed). */
  index = new Float64Array(CAPACITY);
  /** Event index of the invocation, -1 when there was none. */
  invokeIndex = new Float64Array(CAPACITY);
  /** Sends: positions [writeFrom, writeTo) of the index's writes; polled records likewise. */
  writeFrom = new Int32Array(CAPACITY);
  writeTo = new Int32Array(CAPACITY);
  readFrom = new Int32Array(CAPACITY);
  readTo = new Int32Array(CAPACITY);
  /** Per row, its position in `extras` plus one; 0 for the many rows that carry nothing else. */
  private extrasAt = new Int32Array(CAPACITY);
  private readonly extras: OpExtras[] = [];

  /** Appends an operation with no micro-operations yet; returns its row. */
  add(kind: Kind, outcome: Outcome, process: number, index: number, invokeIndex: number, extras: OpExtras | undefined): number {
    const row = this.length;
    if (row === this.kind.length) this.grow();
    this.kind[row] = kind;
    this.outcome[row] = outcome;
    this.process[row] = process;
    this.index[row] = index;
    this.invokeIndex[row] = invokeIndex;
    if (extras !== undefined) this.setExtras(row, extras);
    this.length++;
    return row;
  }

  extrasOf(row: number): OpExtras {
    const at = this.extrasAt[row];
    return at === 0 ? NO_EXTRAS : this.extras[at - 1];
  }

  /** Adds to what the row carries (a later field of the same name wins). */
  setExtras(row: number, extras: OpExtras): void {
    const at = this.extrasAt[row];
    if (at === 0) {
      this.extras.push(extras);
      this.extrasAt[row] = this.extras.length;
    } else {
      this.extras[at - 1] = { ...this.extras[at - 1], ...extras };
    }
  }

  private grow(): void {
    const size = this.kind.length * 2;
    const grown = <T extends Uint8Array | Int32Array | Float64Array>(column: T): T => {
      const bigger = new (column.constructor as new (n: number) => T)(size);
      bigger.set(column);
      return bigger;
    };
    this.kind = grown(this.kind);
    this.outcome = grown(this.outcome);
    this.process = grown(this.process);
    this.index = grown(this.index);
    this.invokeIndex = grown(this.invokeIndex);
    this.writeFrom = grown(this.writeFrom);
    this.writeTo = grown(this.writeTo);
    this.readFrom = grown(this.readFrom);
    this.readTo = grown(this.readTo);
    this.extrasAt = grown(this.extrasAt);
  }
}
