// The kconform history format, version 1, as TypeScript types: one header line, then one JSON
// object per operation event (Jepsen's queue model in JSON). FORMAT.md is the prose version.

export const HISTORY_FORMAT_VERSION = 1;

/** First line of every history file; everything besides the version is free-form run metadata. */
export interface HistoryHeader {
  "kconform-history": typeof HISTORY_FORMAT_VERSION;
  /** Anomaly names this run accepts (its guarantee level); the checker adds Jepsen's defaults. */
  allowed?: string[];
  [metadata: string]: unknown;
}

export type OpType = "invoke" | "ok" | "fail" | "info";
export type Process = number | "nemesis";

/** `"topic-partition"`, e.g. `"orders-2"`; invokes may name just a topic when the partitioner chooses. */
export type PartitionName = string;
/** Record values are unique integers per run. */
export type RecordValue = number;
/** `[offset, value]`; the offset is null when unknown (a send that timed out). */
export type OffsetValue = [offset: number | null, value: RecordValue];

export interface SendExtras {
  /** The record key, for keyed sends. */
  key?: string | null;
  [extra: string]: unknown;
}

/** Invoke: `["send", "t-0", 17]`; completion: `["send", "t-0", [41, 17]]` (fail/info may keep the invoke form). */
export type SendMicroOp =
  | [f: "send", target: PartitionName, value: RecordValue | OffsetValue]
  | [f: "send", target: PartitionName, value: RecordValue | OffsetValue, extras: SendExtras];
/** Invoke: `["poll"]`; completion: `["poll", {"t-0": [[41, 17], [42, 18]]}]`. */
export type PollMicroOp = [f: "poll"] | [f: "poll", records: Record<PartitionName, OffsetValue[]>];
export type MicroOp = SendMicroOp | PollMicroOp;

/** A change of the partitions a group member owns, as the client saw it during an operation. */
export interface RebalanceEvent {
  type: "revoked" | "assigned";
  partitions: PartitionName[];
  /** The group generation this event belongs to; defaults to the event's `generation`. */
  generation?: number;
}

interface EventBase {
  /** Position in the history: strictly increasing, unique; anomalies cite operations by it. */
  index: number;
  /** Nanoseconds since the run started. */
  time: number;
  type: OpType;
  /** Why an operation failed or is indeterminate, in the client's words. */
  error?: string;
}

interface ClientEventBase extends EventBase {
  /** One integer per client worker. */
  process: number;
  /** Partition ownership changes observed while this operation ran (group consumers). */
  rebalance?: RebalanceEvent[];
  /** The consumer group generation the client was in when the operation completed. */
  generation?: number;
}

export interface TxnEvent extends ClientEventBase {
  f: "send" | "poll" | "txn";
  value: MicroOp[];
}

export interface MembershipEvent extends ClientEventBase {
  f: "assign" | "subscribe";
  /** Partitions for assign; topics or partitions for subscribe. */
  value: PartitionName[];
  /** Consumer group of a subscribe (one unnamed group when absent). */
  group?: string;
  /** Assign only: the consumer starts every assigned partition from its beginning. */
  "seek-to-beginning"?: boolean;
}

export interface CommitEvent extends ClientEventBase {
  f: "commit";
  /** Partition to committed offset (the next offset the group will consume). */
  value: Record<PartitionName, number>;
  group?: string;
}

export interface CrashEvent extends ClientEventBase {
  f: "crash";
  value?: null;
}

/** The partition count of topics changed (admin operation or nemesis): topic to its new count. */
export interface CreatePartitionsEvent extends EventBase {
  process: Process;
  f: "create-partitions";
  value: Record<string, number>;
}

/** A fault injected or healed; `value` describes its targets. */
export interface NemesisEvent extends EventBase {
  process: "nemesis";
  f: string;
  value?: unknown;
}

export type HistoryEvent =
  | TxnEvent
  | MembershipEvent
  | CommitEvent
  | CrashEvent
  | CreatePartitionsEvent
  | NemesisEvent;

/** `Omit` that keeps a union a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a harness hands the writer: it numbers the event and stamps the time itself. */
export type NewHistoryEvent = DistributiveOmit<HistoryEvent, "index" | "time"> & { time?: number };

export const OP_TYPES: readonly OpType[] = ["invoke", "ok", "fail", "info"];
