// Kafka's purgatory: requests that wait for something to happen on partitions (a fetch for enough
// bytes, an acks=all produce for the high watermark) are parked under those partitions' keys, tried
// again whenever one of them changes, and completed when satisfied or when their time is up.
import type { Clock, Timer } from "../io/clock.ts";

export interface DelayedOperation {
  /** Partition keys ("topic-partition") whose changes may complete it. */
  readonly keys: readonly string[];
  /** Whether it can complete now; called on every change of one of its keys. */
  isSatisfied(): boolean;
}

interface Parked {
  operation: DelayedOperation;
  resolve: (expired: boolean) => void;
  timer: Timer;
  done: boolean;
}

export class DelayedOperations {
  private readonly byKey = new Map<string, Set<Parked>>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /**
   * Resolves false once the operation is satisfied, or true when timeoutMs passes first (or the
   * purgatory shuts down). Satisfied at once resolves at once, without parking.
   */
  wait(operation: DelayedOperation, timeoutMs: number): Promise<boolean> {
    if (operation.isSatisfied()) return Promise.resolve(false);
    if (this.closed || timeoutMs <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const parked: Parked = { operation, resolve, done: false, timer: { cancel() {} } };
      parked.timer = this.clock.setTimer(timeoutMs, () => this.finish(parked, true));
      for (const key of operation.keys) {
        let set = this.byKey.get(key);
        if (!set) this.byKey.set(key, (set = new Set()));
        set.add(parked);
      }
    });
  }

  /** Something changed on a partition (data appended, high watermark moved, leadership or deletion). */
  checkAndComplete(key: string): void {
    const set = this.byKey.get(key);
    if (!set) return;
    for (const parked of [...set]) {
      if (!parked.done && parked.operation.isSatisfied()) this.finish(parked, false);
    }
  }

  /** Completes everything parked as expired; later waits expire at once. */
  shutdown(): void {
    this.closed = true;
    for (const set of [...this.byKey.values()]) for (const parked of [...set]) this.finish(parked, true);
  }

  /** How many operations are parked (for tests and metrics). */
  get parkedCount(): number {
    const all = new Set<Parked>();
    for (const set of this.byKey.values()) for (const parked of set) all.add(parked);
    return all.size;
  }

  private finish(parked: Parked, expired: boolean): void {
    if (parked.done) return;
    parked.done = true;
    parked.timer.cancel();
    for (const key of parked.operation.keys) {
      const set = this.byKey.get(key);
      set?.delete(parked);
      if (set && set.size === 0) this.byKey.delete(key);
    }
    parked.resolve(expired);
  }
}
