// Per process and partition, the last record an operation of that process read (or sent), kept as
// whatever number the analysis names records by (a value, or its place in the index), and the
// rules that make a process forget it: a new assignment or subscription, a rebalance, a crash.
// A table of numbers, one row per process and one column per partition name: the analyses update
// it for every operation, and objects per entry would be garbage on every forget.
import { IntMap } from "./int-map.ts";
import type { Names } from "./names.ts";

export class LastSeen {
  private readonly rowOf = new IntMap();
  private rows = 0;
  /** Per entry (row × partition): 1 when known, the operation's event index, the record's number. */
  private known: Uint8Array;
  private op: Float64Array;
  private value: Float64Array;

  /** `partitions`: the number of names, which bounds every partition id. */
  constructor(private readonly partitions: number) {
    this.known = new Uint8Array(16 * partitions);
    this.op = new Float64Array(16 * partitions);
    this.value = new Float64Array(16 * partitions);
  }

  /** Where what `process` last saw of `partition` is kept, or -1 when it has seen nothing there. */
  at(process: number, partition: number): number {
    const row = this.rowOf.get(process);
    if (row < 0) return -1;
    const entry = row * this.partitions + partition;
    return this.known[entry] === 1 ? entry : -1;
  }

  /** Event index of the operation that saw the record kept at `entry`. */
  opAt(entry: number): number {
    return this.op[entry];
  }

  valueAt(entry: number): number {
    return this.value[entry];
  }

  set(process: number, partition: number, op: number, value: number): void {
    const entry = this.rowFor(process) * this.partitions + partition;
    this.known[entry] = 1;
    this.op[entry] = op;
    this.value[entry] = value;
  }

  forgetProcess(process: number): void {
    const row = this.rowOf.get(process);
    if (row >= 0) this.known.fill(0, row * this.partitions, (row + 1) * this.partitions);
  }

  /** Jepsen's rule for assign and subscribe: keep only partitions the new value still covers. */
  keepCovered(process: number, targets: readonly number[], names: Names): void {
    this.forgetWhere(process, targets, names, false);
  }

  /** Forgets the partitions `targets` cover, e.g. those a rebalance moved. */
  forgetCovered(process: number, targets: readonly number[], names: Names): void {
    this.forgetWhere(process, targets, names, true);
  }

  private forgetWhere(process: number, targets: readonly number[], names: Names, covered: boolean): void {
    const row = this.rowOf.get(process);
    if (row < 0) return;
    for (let partition = 0; partition < this.partitions; partition++) {
      const entry = row * this.partitions + partition;
      if (this.known[entry] === 1 && covers(targets, partition, names) === covered) this.known[entry] = 0;
    }
  }

  private rowFor(process: number): number {
    const row = this.rowOf.get(process);
    if (row >= 0) return row;
    const added = this.rows++;
    this.rowOf.set(process, added);
    if (this.rows * this.partitions > this.known.length) this.grow();
    return added;
  }

  private grow(): void {
    const size = this.known.length * 2;
    const known = new Uint8Array(size);
    known.set(this.known);
    const op = new Float64Array(size);
    op.set(this.op);
    const value = new Float64Array(size);
    value.set(this.value);
    this.known = known;
    this.op = op;
    this.value = value;
  }
}

function covers(targets: readonly number[], partition: number, names: Names): boolean {
  for (const target of targets) if (names.covers(target, partition)) return true;
  return false;
}
