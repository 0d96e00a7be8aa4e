// The node's background work on its logs, on the injected clock: retention every
// log.retention.check.interval.ms, flush.ms checks as often as the strictest topic needs, and the
// expiry of idle producer ids. One failing partition is logged and does not stop the others.
import type { BrokerConfig } from "../config/broker-config.ts";
import type { Clock, Timer } from "../io/clock.ts";
import { LONG_MAX } from "../log/log-config.ts";
import type { Logger } from "../logger.ts";
import type { Partition } from "./partition.ts";

/** Kafka's producer.id.expiration.check.interval.ms default. */
const PRODUCER_EXPIRATION_CHECK_MS = 600_000;
/** How often to look again for topics with a flush.ms when none has one now. */
const FLUSH_IDLE_CHECK_MS = 1_000;
const FLUSH_MIN_CHECK_MS = 10;

export class Housekeeping {
  private readonly timers: Timer[] = [];
  private stopped = false;

  constructor(
    private readonly partitions: () => readonly Partition[],
    private readonly config: BrokerConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const retentionCheckMs = this.config.int("log.retention.check.interval.ms");
    this.repeat(() => {
      this.forEach("retention", (p) => p.deleteOldSegments());
      return retentionCheckMs;
    }, retentionCheckMs);
    this.repeat(() => {
      this.forEach("flush", (p) => p.maybeFlush());
      return this.nextFlushCheckMs();
    }, this.nextFlushCheckMs());
    this.repeat(() => {
      const nowMs = this.clock.nowMs();
      this.forEach("producer expiration", (p) => p.removeExpiredProducers(nowMs));
      return PRODUCER_EXPIRATION_CHECK_MS;
    }, PRODUCER_EXPIRATION_CHECK_MS);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.splice(0)) timer.cancel();
  }

  private nextFlushCheckMs(): number {
    let shortest = LONG_MAX;
    for (const p of this.partitions()) shortest = Math.min(shortest, p.log.config.flushMs);
    return shortest >= LONG_MAX ? FLUSH_IDLE_CHECK_MS : Math.min(FLUSH_IDLE_CHECK_MS, Math.max(FLUSH_MIN_CHECK_MS, shortest));
  }

  /** Runs task after delayMs, then again after whatever delay it returns. */
  private repeat(task: () => number, delayMs: number): void {
    const slot = this.timers.length;
    const schedule = (ms: number) => {
      this.timers[slot] = this.clock.setTimer(ms, () => {
        if (this.stopped) return;
        schedule(task());
      });
    };
    schedule(delayMs);
  }

  private forEach(what: string, work: (partition: Partition) => unknown): void {
    for (const partition of this.partitions()) {
      try {
        work(partition);
      } catch (error) {
        this.logger.log("error", `${what} failed`, { partition: partition.key, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}
