// Invocations waiting for their completion, at most one per client process. Processes are small
// integers in practice, so they index an array instead of a Map: pairing is done for every event.
// What is still pending at the end comes out in the order a Map would keep (by when each process
// last became pending), so the rows it turns into do not depend on this layout.

/** Processes beyond this (and odd ones: negative, fractional) go to a Map. */
const DENSE_LIMIT = 1 << 16;

export class PendingInvokes<T> {
  private readonly dense: (T | undefined)[] = [];
  /** Per dense process, when it became pending (meaningful while it is). */
  private readonly since: number[] = [];
  private sparse: Map<number, { invoke: T; since: number }> | undefined;
  private sequence = 0;

  get(process: number): T | undefined {
    if (isDense(process)) return this.dense[process];
    return this.sparse?.get(process)?.invoke;
  }

  /** Makes `invoke` the pending one of `process`, replacing any (which keeps its place in line). */
  set(process: number, invoke: T): void {
    if (isDense(process)) {
      while (this.dense.length <= process) {
        this.dense.push(undefined);
        this.since.push(0);
      }
      if (this.dense[process] === undefined) this.since[process] = this.sequence++;
      this.dense[process] = invoke;
      return;
    }
    const sparse = (this.sparse ??= new Map());
    const earlier = sparse.get(process);
    if (earlier) earlier.invoke = invoke;
    else sparse.set(process, { invoke, since: this.sequence++ });
  }

  delete(process: number): void {
    if (isDense(process)) {
      if (process < this.dense.length) this.dense[process] = undefined;
    } else {
      this.sparse?.delete(process);
    }
  }

  /** Removes and returns everything pending, in order of becoming pending. */
  drain(): T[] {
    const left: { invoke: T; since: number }[] = [...(this.sparse?.values() ?? [])];
    this.dense.forEach((invoke, process) => {
      if (invoke !== undefined) left.push({ invoke, since: this.since[process] });
    });
    this.dense.length = 0;
    this.since.length = 0;
    this.sparse = undefined;
    return left.sort((a, b) => a.since - b.since).map((entry) => entry.invoke);
  }
}

function isDense(process: number): boolean {
  return (process | 0) === process && process >= 0 && process < DENSE_LIMIT;
}
