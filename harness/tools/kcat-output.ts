// Reading what kcat 1.7 prints: -J metadata and records (JSON), and the rebalance lines a balanced
// consumer (-G) writes to stderr. Pure functions.
import { ToolOutputError } from "./kafka-cli-output.ts";

export interface KcatPartitionMetadata {
  partition: number;
  leader: number;
  replicas: number[];
  isrs: number[];
  /** librdkafka's description of a partition-level error, when there is one. */
  error?: string;
}

export interface KcatTopicMetadata {
  topic: string;
  error?: string;
  partitions: KcatPartitionMetadata[];
}

export interface KcatMetadata {
  controllerId: number;
  brokers: { id: number; name: string }[];
  topics: KcatTopicMetadata[];
}

interface RawMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; error?: string; partitions: { partition: number; leader: number; replicas: { id: number }[]; isrs: { id: number }[]; error?: string }[] }[];
}

function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ToolOutputError(what, text);
  }
}

export function parseKcatMetadata(output: string): KcatMetadata {
  const raw = parseJson<RawMetadata>(output.trim(), "kcat -L -J metadata");
  if (!Array.isArray(raw.brokers) || !Array.isArray(raw.topics)) throw new ToolOutputError("kcat -L -J metadata", output);
  return {
    controllerId: raw.controllerid,
    brokers: raw.brokers.map(({ id, name }) => ({ id, name })),
    topics: raw.topics.map((t) => ({
      topic: t.topic,
      ...(t.error !== undefined ? { error: t.error } : {}),
      partitions: (t.partitions ?? []).map((p) => ({
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas.map((r) => r.id),
        isrs: p.isrs.map((r) => r.id),
        ...(p.error !== undefined ? { error: p.error } : {}),
      })),
    })),
  };
}

export interface KcatRecord {
  topic: string;
  partition: number;
  offset: number;
  /** "create" or "logappend" (LogAppendTime topics). */
  timestampType: string;
  timestamp: number;
  key: string | null;
  value: string | null;
}

interface RawRecord {
  topic: string;
  partition: number;
  offset: number;
  tstype: string;
  ts: number;
  key: string | null;
  payload: string | null;
}

/** One JSON envelope of `kcat -C -J` (or -G -J). */
export function parseKcatRecord(line: string): KcatRecord {
  const raw = parseJson<RawRecord>(line, "a kcat -J record");
  if (typeof raw.offset !== "number" || typeof raw.partition !== "number") throw new ToolOutputError("a kcat -J record", line);
  return { topic: raw.topic, partition: raw.partition, offset: raw.offset, timestampType: raw.tstype, timestamp: raw.ts, key: raw.key, value: raw.payload };
}

export function parseKcatRecords(output: string): KcatRecord[] {
  return output
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map(parseKcatRecord);
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface KcatRebalance {
  kind: "assigned" | "revoked";
  memberId: string;
  partitions: TopicPartitionRef[];
}

const REBALANCE = /^% Group (\S+) rebalanced \(memberid (\S+)\): (assigned|revoked): ?(.*)$/;

/** `% Group g rebalanced (memberid m): assigned: t [0], t [1]`, or undefined for any other line. */
export function parseKcatRebalance(line: string): KcatRebalance | undefined {
  const match = REBALANCE.exec(line.trim());
  if (match === null) return undefined;
  const partitions = [...match[4].matchAll(/(\S+) \[(\d+)\]/g)].map((m) => ({ topic: m[1], partition: Number(m[2]) }));
  return { kind: match[3] as KcatRebalance["kind"], memberId: match[2], partitions };
}
