// Time as the node logic sees it: wall-clock milliseconds, a monotonic clock and timers. The real
// clock is for running nodes; the manual one lets tests and a simulated cluster decide when time passes.

export interface Timer {
  /** Stops the timer; harmless after it fired or was cancelled. */
  cancel(): void;
}

export interface Clock {
  /** Wall-clock time in epoch milliseconds (record timestamps, LogAppendTime, retention.ms). */
  nowMs(): number;
  /** Monotonic nanoseconds for measuring durations; unrelated to nowMs(). */
  monotonicNs(): bigint;
  /** Runs fn once after delayMs. */
  setTimer(delayMs: number, fn: () => void): Timer;
}

/**
 * The process clock. Timers are unref'd: a pending session or flush timer must not keep a stopped
 * node's process alive, the node's sockets do that.
 */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicNs: () => process.hrtime.bigint(),
  setTimer(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface PendingTimer {
  readonly dueMs: number;
  /** Creation order, so timers due at the same time fire in the order they were set. */
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told to; advance() fires due timers in due-time order. */
export class ManualClock implements Clock {
  private wallMs: number;
  private elapsedMs = 0;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(startMs = 0) {
    this.wallMs = startMs;
  }

  nowMs(): number {
    return this.wallMs;
  }

  monotonicNs(): bigint {
    return BigInt(Math.round(this.elapsedMs * 1_000_000));
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const timer: PendingTimer = { dueMs: this.elapsedMs + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Moves time forward by ms, firing every timer that falls due, including timers set by timers. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`ManualClock.advance: time cannot go backwards (ms=${ms})`);
    const targetMs = this.elapsedMs + ms;
    for (;;) {
      const next = this.nextDue(targetMs);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.moveTo(next.dueMs);
      next.fn();
    }
    this.moveTo(targetMs);
  }

  /** Number of timers that are set and have not fired or been cancelled. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  private nextDue(limitMs: number): PendingTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.dueMs > limitMs) continue;
      if (!best || t.dueMs < best.dueMs || (t.dueMs === best.dueMs && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private moveTo(elapsedMs: number): void {
    this.wallMs += elapsedMs - this.elapsedMs;
    this.elapsedMs = elapsedMs;
  }
}
