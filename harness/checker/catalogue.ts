// The anomaly catalogue: runs every analysis over one shared index of the history and merges their
// findings into one verdict. false beats unknown beats true; an analysis that throws becomes an
// unknown, never a crash; allowed anomalies are reported but do not make the verdict false.
import type { HistoryEvent, HistoryHeader } from "../history/types.ts";
import { abortedRead } from "./aborted-read.ts";
import type { Analysis, Findings } from "./analysis.ts";
import type { Anomaly, AnomalyType, CheckResult, CheckStats, Verdict } from "./anomalies.ts";
import { committedOffsets } from "./committed-offsets.ts";
import { cycles } from "./cycles.ts";
import { duplicate } from "./duplicate.ts";
import { groupExclusivity } from "./group-exclusivity.ts";
import { HistoryIndex } from "./history-index.ts";
import { inconsistentOffsets } from "./inconsistent-offsets.ts";
import { internalPollOrder } from "./internal-poll-order.ts";
import { internalSendOrder } from "./internal-send-order.ts";
import { keyPartition } from "./key-partition.ts";
import { lostWrite } from "./lost-write.ts";
import { phantomRead } from "./phantom-read.ts";
import { pollOrder } from "./poll-order.ts";
import { precommittedRead } from "./precommitted-read.ts";
import { sendOrder } from "./send-order.ts";
import { unseen } from "./unseen.ts";

export const ANALYSES: readonly Analysis[] = [
  inconsistentOffsets,
  duplicate,
  lostWrite,
  unseen,
  pollOrder,
  internalPollOrder,
  sendOrder,
  internalSendOrder,
  abortedRead,
  precommittedRead,
  cycles,
  phantomRead,
  groupExclusivity,
  committedOffsets,
  keyPartition,
];

export interface CheckOptions {
  /** Anomaly types this run accepts, on top of Jepsen's defaults and the header's `allowed`. */
  allowed?: Iterable<string>;
  /** Anomalies listed per type (all are counted in stats); default 32. */
  limit?: number;
}

/** Jepsen's allowed-error-types: transactions interleave, and Kafka does not isolate writes. */
export const ALWAYS_ALLOWED: readonly AnomalyType[] = ["int-send-skip", "G0"];
/** Also allowed by Jepsen when consumers subscribe: a rebalance may move them between polls. */
export const ALLOWED_WHEN_SUBSCRIBED: readonly AnomalyType[] = ["poll-skip", "nonmonotonic-poll"];

export function jepsenAllowed(subscribes: boolean): AnomalyType[] {
  return subscribes ? [...ALWAYS_ALLOWED, ...ALLOWED_WHEN_SUBSCRIBED] : [...ALWAYS_ALLOWED];
}

/** Checks a history fed one event at a time, so a file never needs to be in memory whole. */
export class HistoryCheck {
  private readonly index = new HistoryIndex();
  private broken: string | undefined;
  private readonly doubts: string[] = [];

  constructor(private readonly options: CheckOptions = {}) {}

  add(event: HistoryEvent): void {
    if (this.broken !== undefined) return;
    try {
      this.index.add(event);
    } catch (error) {
      this.broken = `the history could not be indexed at event ${this.index.counts.events}: ${describe(error)}`;
    }
  }

  /** The events could not all be delivered: nothing is analysed, the verdict is unknown. */
  abandon(reason: string): void {
    this.broken ??= reason;
  }

  /** The history may be incomplete: analyses still run, but the verdict can be no better than unknown. */
  doubt(reason: string): void {
    this.doubts.push(reason);
  }

  finish(header?: HistoryHeader): CheckResult {
    const index = this.index;
    const limit = Math.max(1, this.options.limit ?? 32);
    const anomalies: Partial<Record<AnomalyType, Anomaly[]>> = {};
    const counts: Partial<Record<AnomalyType, number>> = {};
    const unknownReasons = [...this.doubts];
    if (this.broken === undefined) {
      try {
        index.finish();
      } catch (error) {
        this.broken = `the history could not be indexed: ${describe(error)}`;
      }
    }
    if (this.broken !== undefined) {
      unknownReasons.push(this.broken);
    } else {
      if (index.counts.ignored > 0) unknownReasons.push(`${index.counts.ignored} malformed micro-operations, records or fields were ignored`);
      if (index.counts.ok === 0) unknownReasons.push("no client operation succeeded, so there is nothing to judge");
      for (const analysis of ANALYSES) {
        const findings: Findings = {
          report(type, describeAnomaly) {
            const n = (counts[type] ?? 0) + 1;
            counts[type] = n;
            if (n <= limit) (anomalies[type] ??= []).push(describeAnomaly());
          },
        };
        try {
          analysis.run(index, findings);
        } catch (error) {
          unknownReasons.push(`the ${analysis.name} analysis failed: ${describe(error)}`);
        }
      }
    }
    const allowed = new Set<string>(jepsenAllowed(index.hasSubscribe));
    for (const name of safeStrings(header?.allowed)) allowed.add(name);
    for (const name of this.options.allowed ?? []) allowed.add(name);
    const found = (Object.keys(counts) as AnomalyType[]).sort();
    const listed: Partial<Record<AnomalyType, Anomaly[]>> = {};
    const counted: Partial<Record<AnomalyType, number>> = {};
    for (const type of found) {
      listed[type] = anomalies[type];
      counted[type] = counts[type];
    }
    return {
      valid: verdictOf(found, allowed, unknownReasons),
      "anomaly-types": found,
      anomalies: listed,
      allowed: [...allowed].sort(),
      stats: this.stats(counted),
      "unknown-reasons": unknownReasons,
    };
  }

  private stats(counts: Partial<Record<AnomalyType, number>>): CheckStats {
    const { counts: c, names } = this.index;
    let partitions = 0;
    for (const log of this.index.logs) if (log !== undefined && names.topicOf(log.partition) >= 0) partitions++;
    return {
      events: c.events,
      ok: c.ok,
      fail: c.fail,
      info: c.info,
      "never-completed": c.neverCompleted,
      "unmatched-completions": c.unmatchedCompletions,
      "nemesis-events": c.nemesisEvents,
      partitions,
      "values-sent": this.index.valuesSent,
      "values-sent-twice": c.resent,
      "records-polled": c.recordsPolled,
      "anomaly-counts": counts,
      "cycle-search": this.index.hasTxn ? "ran" : "skipped: no transactions",
    };
  }
}

/** false beats unknown beats true: a disallowed anomaly is proof, whatever else went wrong. */
function verdictOf(found: readonly string[], allowed: ReadonlySet<string>, unknownReasons: readonly string[]): Verdict {
  if (found.some((type) => !allowed.has(type))) return false;
  return unknownReasons.length > 0 ? "unknown" : true;
}

/** Checks a whole history in memory. Never throws. */
export function checkHistory(events: Iterable<HistoryEvent>, options: CheckOptions & { header?: HistoryHeader } = {}): CheckResult {
  const check = new HistoryCheck(options);
  try {
    for (const event of events) check.add(event);
  } catch (error) {
    check.abandon(`the events could not be read: ${describe(error)}`);
  }
  return check.finish(options.header);
}

function safeStrings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : [];
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
