// The anomaly catalogue's vocabulary and the shape of a check result, which is also the JSON that
// `kconform check` prints.

/** Jepsen's Kafka anomalies (jepsen.tests.kafka), then kconform's own. */
export const ANOMALY_TYPES = [
  "inconsistent-offsets",
  "duplicate",
  "lost-write",
  "unseen",
  "poll-skip",
  "nonmonotonic-poll",
  "int-poll-skip",
  "int-nonmonotonic-poll",
  "nonmonotonic-send",
  "int-nonmonotonic-send",
  "int-send-skip",
  "G1a",
  "precommitted-read",
  "G0",
  "G1c",
  "phantom-read",
  "nonexclusive-assignment",
  "committed-offset-regression",
  "unstable-key-partition",
] as const;

export type AnomalyType = (typeof ANOMALY_TYPES)[number];

export function isAnomalyType(name: string): name is AnomalyType {
  return (ANOMALY_TYPES as readonly string[]).includes(name);
}

/**
 * One step of a dependency cycle between operations (event indices): `from` sent `value` to
 * `partition`, and `to` polled it (wr) or sent `next` right after it in the log (ww).
 */
export interface CycleStep {
  from: number;
  to: number;
  relation: "ww" | "wr";
  partition: string;
  value: number;
  next?: number;
}

/** One finding, with the few operations that prove it and a sentence saying what went wrong. */
export interface Anomaly {
  explanation: string;
  /** Event indices of the operations that prove it, in history order. */
  ops: number[];
  partition?: string;
  offset?: number;
  offsets?: number[];
  value?: number;
  values?: number[];
  /** Distance in the version order (dense, gaps ignored) between two consecutive records. */
  delta?: number;
  /** Records in the version order between the two that should have been consecutive. */
  skipped?: number[];
  count?: number;
  process?: number;
  processes?: number[];
  group?: string;
  generation?: number;
  key?: string;
  steps?: CycleStep[];
}

export type Verdict = true | false | "unknown";

export interface CheckStats {
  events: number;
  ok: number;
  fail: number;
  info: number;
  /** Invocations that never completed, checked as indeterminate (info). */
  "never-completed": number;
  /** Completions without a matching invocation. */
  "unmatched-completions": number;
  "nemesis-events": number;
  partitions: number;
  "values-sent": number;
  /** Values sent by more than one operation: values should be unique per run (a harness bug). */
  "values-sent-twice": number;
  "records-polled": number;
  /** Anomalies found per type; the lists in `anomalies` are cut at the reporting limit. */
  "anomaly-counts": Partial<Record<AnomalyType, number>>;
  /** Whether the G0/G1c cycle search ran (it needs transactions). */
  "cycle-search": "ran" | "skipped: no transactions";
}

export interface CheckResult {
  valid: Verdict;
  /** Every anomaly type found, allowed or not, sorted. */
  "anomaly-types": AnomalyType[];
  anomalies: Partial<Record<AnomalyType, Anomaly[]>>;
  /** Anomaly types this check accepted: found ones are reported but do not make it invalid. */
  allowed: string[];
  stats: CheckStats;
  /** Why the verdict could not be decided (only consulted when no disallowed anomaly was found). */
  "unknown-reasons": string[];
}
