// Reading what Kafka 4.3.1's CLI tools print (kafka-topics, kafka-consumer-groups, the console consumer,
// kafka-configs, kafka-get-offsets, the perf test's summary). Pure functions.
import { KconformError } from "../errors.ts";

/** A tool printed something we cannot read; carries the output, so a format change is easy to see. */
export class ToolOutputError extends KconformError {
  constructor(what: string, output: string) {
    super(`could not read ${what} from the tool's output:\n${output.slice(0, 2000)}`, "tool-output", { what, output: output.slice(0, 2000) });
  }
}

export interface PartitionDescription {
  partition: number;
  /** -1 when the tool says "none". */
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  topic: string;
  topicId: string;
  partitionCount: number;
  replicationFactor: number;
  configs: Map<string, string>;
  partitions: PartitionDescription[];
}

/** `Name: value` fields separated by tabs, as kafka-topics --describe prints them. */
function describeFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const field of line.split("\t")) {
    const colon = field.indexOf(": ");
    if (colon > 0) fields.set(field.slice(0, colon).trim(), field.slice(colon + 2).trim());
    else if (field.trim().endsWith(":")) fields.set(field.trim().slice(0, -1), "");
  }
  return fields;
}

const brokerIds = (text: string | undefined): number[] => (text === undefined || text === "" ? [] : text.split(",").map(Number));

function integerField(fields: Map<string, string>, name: string, what: string, output: string): number {
  const value = fields.get(name);
  if (value === undefined || !/^-?\d+$/.test(value)) throw new ToolOutputError(`${what}'s ${name}`, output);
  return Number(value);
}

export function parseTopicDescription(output: string, topic: string): TopicDescription {
  const lines = output.split("\n").filter((line) => line.trim().length > 0);
  const header = lines.find((line) => line.startsWith(`Topic: ${topic}\t`));
  if (header === undefined) throw new ToolOutputError(`the description of topic ${topic}`, output);
  const fields = describeFields(header);
  const configs = new Map<string, string>();
  for (const entry of (fields.get("Configs") ?? "").split(",")) {
    const eq = entry.indexOf("=");
    if (eq > 0) configs.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  const partitions = lines
    .filter((line) => line.startsWith("\t") && describeFields(line).get("Topic") === topic)
    .map((line) => {
      const p = describeFields(line);
      const leader = p.get("Leader");
      return {
        partition: integerField(p, "Partition", `topic ${topic}'s partition line`, output),
        leader: leader === "none" ? -1 : integerField(p, "Leader", `topic ${topic}'s partition line`, output),
        replicas: brokerIds(p.get("Replicas")),
        isr: brokerIds(p.get("Isr")),
      };
    });
  return {
    topic,
    topicId: fields.get("TopicId") ?? "",
    partitionCount: integerField(fields, "PartitionCount", `topic ${topic}`, output),
    replicationFactor: integerField(fields, "ReplicationFactor", `topic ${topic}`, output),
    configs,
    partitions,
  };
}

export interface GroupOffsetRow {
  group: string;
  topic: string;
  partition: number;
  /** Undefined when the group has committed nothing for the partition ("-"). */
  currentOffset: number | undefined;
  logEndOffset: number | undefined;
  lag: number | undefined;
  /** Undefined when no member owns the partition ("-"). */
  consumerId: string | undefined;
}

const dashToUndefined = (value: string | undefined) => (value === undefined || value === "-" ? undefined : value);
const optionalNumber = (value: string | undefined) => {
  const text = dashToUndefined(value);
  return text === undefined ? undefined : Number(text);
};

/**
 * The rows of a kafka-consumer-groups table whose header starts with `header`, cells by column
 * name. Cells are split on whitespace, so this serves tables whose cells have no spaces.
 */
function groupTable(output: string, header: RegExp, what: string): ((name: string) => string | undefined)[] {
  const lines = output.split("\n").filter((line) => line.trim().length > 0);
  const headerAt = lines.findIndex((line) => header.test(line));
  if (headerAt < 0) throw new ToolOutputError(what, output);
  const columns = lines[headerAt].trim().split(/\s+/);
  return lines
    .slice(headerAt + 1)
    .filter((line) => !header.test(line) && !/has no active members/.test(line))
    .map((line) => {
      const cells = line.trim().split(/\s+/);
      if (cells.length < columns.length) throw new ToolOutputError(`a row of ${what}`, output);
      return (name: string) => cells[columns.indexOf(name)];
    });
}

/** `kafka-consumer-groups --describe --group G` (the offsets view). */
export function parseGroupOffsets(output: string): GroupOffsetRow[] {
  return groupTable(output, /^GROUP\s+TOPIC\s+PARTITION\s/, "the consumer group's offsets table").map((cell) => ({
    group: cell("GROUP") as string,
    topic: cell("TOPIC") as string,
    partition: Number(cell("PARTITION")),
    currentOffset: optionalNumber(cell("CURRENT-OFFSET")),
    logEndOffset: optionalNumber(cell("LOG-END-OFFSET")),
    lag: optionalNumber(cell("LAG")),
    consumerId: dashToUndefined(cell("CONSUMER-ID")),
  }));
}

export interface GroupMemberRow {
  group: string;
  consumerId: string;
  clientId: string;
  /** How many partitions the member is assigned. */
  partitions: number;
}

/** `kafka-consumer-groups --describe --group G --members`. */
export function parseGroupMembers(output: string): GroupMemberRow[] {
  return groupTable(output, /^GROUP\s+CONSUMER-ID\s+HOST\s/, "the consumer group's members table").map((cell) => ({
    group: cell("GROUP") as string,
    consumerId: cell("CONSUMER-ID") as string,
    clientId: cell("CLIENT-ID") as string,
    partitions: Number(cell("#PARTITIONS")),
  }));
}

export interface GroupState {
  group: string;
  coordinatorId: number;
  /** The protocol (assignor) the group chose, e.g. "range"; undefined while it has none. */
  assignmentStrategy: string | undefined;
  state: string;
  members: number;
}

/** `kafka-consumer-groups --describe --group G --state`; its COORDINATOR (ID) cell has spaces. */
export function parseGroupState(output: string, group: string): GroupState {
  for (const line of output.split("\n")) {
    const match = /^(\S+)\s+\S+\s+\((-?\d+)\)\s+(\S+)\s+(\S+)\s+(\d+)\s*$/.exec(line.trim());
    if (match === null || match[1] !== group) continue;
    return { group, coordinatorId: Number(match[2]), assignmentStrategy: dashToUndefined(match[3]), state: match[4], members: Number(match[5]) };
  }
  throw new ToolOutputError(`the state of consumer group ${group}`, output);
}

export interface ConsoleRecord {
  partition: number;
  offset: number;
  /** null when the record has no key. */
  key: string | null;
  value: string;
}

const CONSOLE_RECORD = /^Partition:(\d+)$/;
const CONSOLE_OFFSET = /^Offset:(\d+)$/;

/** Lines of the console consumer with print.partition, print.offset and print.key, fields split by `separator`. */
export function parseConsoleRecords(output: string, separator: string): ConsoleRecord[] {
  return output
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const [partition, offset, key, ...value] = line.split(separator);
      const p = CONSOLE_RECORD.exec(partition ?? "");
      const o = CONSOLE_OFFSET.exec(offset ?? "");
      if (p === null || o === null || key === undefined) throw new ToolOutputError("a console consumer record", line);
      // The default formatter prints a null key as the word "null".
      return { partition: Number(p[1]), offset: Number(o[1]), key: key === "null" ? null : key, value: value.join(separator) };
    });
}

/** The console consumer's closing "Processed a total of N messages" (on stderr). */
export function parseProcessedCount(stderr: string): number {
  const match = /Processed a total of (\d+) messages?/.exec(stderr);
  if (match === null) throw new ToolOutputError("the console consumer's message count", stderr);
  return Number(match[1]);
}

/** Configs listed by `kafka-configs --describe`: `  name=value sensitive=false synonyms={...}`. */
export function parseTopicConfigs(output: string): Map<string, string> {
  const configs = new Map<string, string>();
  for (const line of output.split("\n")) {
    const match = /^\s+([A-Za-z0-9._-]+)=(.*?) sensitive=(?:true|false) synonyms=/.exec(line);
    if (match !== null) configs.set(match[1], match[2]);
  }
  return configs;
}

/** `topic:partition:offset` lines of kafka-get-offsets, for one topic. */
export function parseEndOffsets(output: string, topic: string): Map<number, number> {
  const offsets = new Map<number, number>();
  for (const line of output.split("\n")) {
    if (line.trim().length === 0) continue;
    const match = /^(.+):(\d+):(\d+)$/.exec(line.trim());
    if (match === null || match[1] !== topic) throw new ToolOutputError(`kafka-get-offsets' offsets of topic ${topic}`, output);
    offsets.set(Number(match[2]), Number(match[3]));
  }
  return offsets;
}

export interface PerfSummary {
  records: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

const PERF_SUMMARY =
  /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.?$/;

/** The final line of kafka-producer-perf-test (the periodic lines before it have no percentiles). */
export function parsePerfSummary(output: string): PerfSummary {
  const match = output
    .split("\n")
    .map((line) => PERF_SUMMARY.exec(line.trim()))
    .filter((m) => m !== null)
    .at(-1);
  if (match === undefined) throw new ToolOutputError("kafka-producer-perf-test's summary", output);
  const [records, recordsPerSecond, megabytesPerSecond, avgLatencyMs, maxLatencyMs, p50Ms, p95Ms, p99Ms, p999Ms] = match.slice(1).map(Number);
  return { records, recordsPerSecond, megabytesPerSecond, avgLatencyMs, maxLatencyMs, p50Ms, p95Ms, p99Ms, p999Ms };
}
