// Per process and partition, the last record an operation of that process read (or sent), and the
// rules that make a process forget it: a new assignment or subscription, a rebalance, a crash.
import type { Names } from "./names.ts";

export interface Seen {
  /** Event index of the operation. */
  op: number;
  value: number;
}

export class LastSeen {
  /** Process to what it saw, indexed by partition id (ids are small and dense). */
  private readonly byProcess = new Map<number, (Seen | undefined)[]>();

  get(process: number, partition: number): Seen | undefined {
    return this.byProcess.get(process)?.[partition];
  }

  set(process: number, partition: number, op: number, value: number): void {
    let partitions = this.byProcess.get(process);
    if (partitions === undefined) {
      partitions = [];
      this.byProcess.set(process, partitions);
    }
    const seen = partitions[partition];
    if (seen === undefined) {
      partitions[partition] = { op, value };
    } else {
      // Updated in place: a poll per partition per operation would otherwise allocate one each.
      seen.op = op;
      seen.value = value;
    }
  }

  forgetProcess(process: number): void {
    this.byProcess.delete(process);
  }

  /** Jepsen's rule for assign and subscribe: keep only partitions the new value still covers. */
  keepCovered(process: number, targets: readonly number[], names: Names): void {
    this.forget(process, (partition) => !targets.some((target) => names.covers(target, partition)));
  }

  /** Forgets the partitions `targets` cover, e.g. those a rebalance moved. */
  forgetCovered(process: number, targets: readonly number[], names: Names): void {
    this.forget(process, (partition) => targets.some((target) => names.covers(target, partition)));
  }

  private forget(process: number, matches: (partition: number) => boolean): void {
    const partitions = this.byProcess.get(process);
    if (partitions === undefined) return;
    for (let partition = 0; partition < partitions.length; partition++) {
      if (partitions[partition] !== undefined && matches(partition)) partitions[partition] = undefined;
    }
  }
}
