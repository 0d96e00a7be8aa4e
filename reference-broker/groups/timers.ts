// Keyed deadlines driven by an injected clock: the coordinator's stand-in for Kafka's timer, so
// tests move time by hand and the broker drives it from the real clock with tick().

export type Clock = () => number;

interface Timer {
  deadline: number;
  /** Breaks ties between equal deadlines in scheduling order. */
  order: number;
  run: () => void;
}

export class DeadlineTimers {
  private readonly timers = new Map<string, Timer>();
  private scheduled = 0;
  private running = false;

  constructor(private readonly now: Clock) {}

  /** Runs `run` once the clock reaches now + delayMs; replaces a timer with the same key. */
  schedule(key: string, delayMs: number, run: () => void): void {
    this.timers.set(key, { deadline: this.now() + delayMs, order: this.scheduled++, run });
  }

  cancel(key: string): void {
    this.timers.delete(key);
  }

  clear(): void {
    this.timers.clear();
  }

  /** The earliest deadline, so the owner knows when to call runDue() next. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const timer of this.timers.values()) {
      if (next === undefined || timer.deadline < next) next = timer.deadline;
    }
    return next;
  }

  /** Runs every timer that is due, earliest first, including those that due timers schedule. */
  runDue(): void {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const now = this.now();
        let dueKey: string | undefined;
        let due: Timer | undefined;
        for (const [key, timer] of this.timers) {
          if (timer.deadline > now) continue;
          if (!due || timer.deadline < due.deadline || (timer.deadline === due.deadline && timer.order < due.order)) {
            due = timer;
            dueKey = key;
          }
        }
        if (!due || dueKey === undefined) return;
        this.timers.delete(dueKey);
        due.run();
      }
    } finally {
      this.running = false;
    }
  }
}
