// Topic configurations the reference broker implements: their types, defaults, the broker setting
// each falls back to, and validation with Kafka's messages. Anything not listed is refused with
// INVALID_CONFIG instead of being accepted and silently ignored.

export type ConfigType = "boolean" | "int" | "long" | "string";

export interface TopicConfigDef {
  name: string;
  type: ConfigType;
  /** Kafka's default when neither the topic nor the broker sets it. */
  defaultValue: string;
  /** The broker-level setting that supplies the topic's default (a synonym in DescribeConfigs). */
  brokerSynonym?: string;
  min?: bigint;
  allowed?: readonly string[];
  /** A comma-separated list (Kafka's LIST type), which IncrementalAlterConfigs may APPEND to and SUBTRACT from. */
  list?: boolean;
  /** Values Kafka accepts that this broker does not implement, with the reason. */
  unsupported?: Readonly<Record<string, string>>;
}

const LONG_MAX = "9223372036854775807";

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  { name: "cleanup.policy", type: "string", defaultValue: "delete", brokerSynonym: "log.cleanup.policy", list: true,
    allowed: ["delete", "compact", "compact,delete", "delete,compact"],
    unsupported: { compact: "log compaction is not implemented", "compact,delete": "log compaction is not implemented", "delete,compact": "log compaction is not implemented" } },
  { name: "compression.type", type: "string", defaultValue: "producer", brokerSynonym: "compression.type",
    allowed: ["producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"],
    unsupported: { uncompressed: "batches are stored as the producer sent them", gzip: "batches are stored as the producer sent them", snappy: "batches are stored as the producer sent them", lz4: "batches are stored as the producer sent them", zstd: "batches are stored as the producer sent them" } },
  { name: "flush.messages", type: "long", defaultValue: LONG_MAX, brokerSynonym: "log.flush.interval.messages", min: 1n },
  { name: "flush.ms", type: "long", defaultValue: LONG_MAX, brokerSynonym: "log.flush.interval.ms", min: 0n },
  { name: "max.message.bytes", type: "int", defaultValue: "1048588", brokerSynonym: "message.max.bytes", min: 0n },
  { name: "message.timestamp.type", type: "string", defaultValue: "CreateTime", brokerSynonym: "log.message.timestamp.type", allowed: ["CreateTime", "LogAppendTime"] },
  { name: "min.insync.replicas", type: "int", defaultValue: "1", brokerSynonym: "min.insync.replicas", min: 1n },
  { name: "retention.bytes", type: "long", defaultValue: "-1", brokerSynonym: "log.retention.bytes", min: -1n },
  { name: "retention.ms", type: "long", defaultValue: "604800000", brokerSynonym: "log.retention.ms", min: -1n },
  { name: "segment.bytes", type: "int", defaultValue: "1073741824", brokerSynonym: "log.segment.bytes", min: 1048576n },
  { name: "segment.ms", type: "long", defaultValue: "604800000", brokerSynonym: "log.roll.ms", min: 1n },
  { name: "unclean.leader.election.enable", type: "boolean", defaultValue: "false", brokerSynonym: "unclean.leader.election.enable" },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((def) => [def.name, def]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return BY_NAME.get(name);
}

/** Why a topic config entry cannot be accepted, or undefined when it can. */
export function topicConfigProblem(name: string, value: string | null): string | undefined {
  const def = BY_NAME.get(name);
  if (!def) return `Unknown topic config name: ${name}`;
  if (value === null) return `Null value not supported for topic configs: ${name}`;
  const trimmed = value.trim();
  switch (def.type) {
    case "boolean":
      if (!/^(true|false)$/i.test(trimmed)) return `Invalid value ${value} for configuration ${name}: Expected value to be either true or false`;
      break;
    case "int":
    case "long": {
      if (!/^-?\d+$/.test(trimmed)) return `Invalid value ${value} for configuration ${name}: Not a number of type ${def.type.toUpperCase()}`;
      const n = BigInt(trimmed);
      const [lo, hi] = def.type === "int" ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n];
      if (n < lo || n > hi) return `Invalid value ${value} for configuration ${name}: Not a number of type ${def.type.toUpperCase()}`;
      if (def.min !== undefined && n < def.min) return `Invalid value ${value} for configuration ${name}: Value must be at least ${def.min}`;
      break;
    }
    case "string":
      if (def.allowed && !def.allowed.includes(trimmed)) {
        return `Invalid value ${value} for configuration ${name}: String must be one of: ${def.allowed.join(", ")}`;
      }
      break;
  }
  const unsupported = def.unsupported?.[trimmed];
  if (unsupported) return `The reference broker does not support ${name}=${value}: ${unsupported}`;
  return undefined;
}

/** The effective value of every topic config: topic override, else broker setting, else default. */
export interface EffectiveTopicConfig {
  retentionMs: number;
  retentionBytes: number;
  segmentBytes: number;
  segmentMs: number;
  minInsyncReplicas: number;
  maxMessageBytes: number;
  logAppendTime: boolean;
  flushMessages: number;
  flushMs: number;
  uncleanLeaderElection: boolean;
}

export type ConfigSource = "topic" | "broker" | "default";

export function configValue(
  name: string,
  overrides: ReadonlyMap<string, string>,
  brokerConfig: ReadonlyMap<string, string>,
): { value: string; source: ConfigSource } {
  const def = BY_NAME.get(name);
  if (!def) throw new Error(`unknown topic config ${name}`);
  const own = overrides.get(name);
  if (own !== undefined) return { value: own, source: "topic" };
  const fromBroker = def.brokerSynonym ? brokerTopicDefault(def, brokerConfig) : undefined;
  if (fromBroker !== undefined) return { value: fromBroker, source: "broker" };
  return { value: def.defaultValue, source: "default" };
}

/** Kafka lets log.retention.{hours,minutes} stand in for log.retention.ms, the finest unit winning. */
function brokerTopicDefault(def: TopicConfigDef, brokerConfig: ReadonlyMap<string, string>): string | undefined {
  if (def.name === "retention.ms") {
    const ms = brokerConfig.get("log.retention.ms");
    if (ms !== undefined) return ms;
    const minutes = brokerConfig.get("log.retention.minutes");
    if (minutes !== undefined) return String(BigInt(minutes) * 60_000n);
    const hours = brokerConfig.get("log.retention.hours");
    if (hours !== undefined) return String(BigInt(hours) * 3_600_000n);
    return undefined;
  }
  return def.brokerSynonym ? brokerConfig.get(def.brokerSynonym) : undefined;
}

export function effectiveTopicConfig(
  overrides: ReadonlyMap<string, string>,
  brokerConfig: ReadonlyMap<string, string>,
): EffectiveTopicConfig {
  const get = (name: string) => configValue(name, overrides, brokerConfig).value.trim();
  // Long.MAX_VALUE means "never"; a JS number keeps that meaning as Infinity-like magnitude.
  const num = (name: string) => Number(get(name));
  return {
    retentionMs: num("retention.ms"),
    retentionBytes: num("retention.bytes"),
    segmentBytes: num("segment.bytes"),
    segmentMs: num("segment.ms"),
    minInsyncReplicas: num("min.insync.replicas"),
    maxMessageBytes: num("max.message.bytes"),
    logAppendTime: get("message.timestamp.type") === "LogAppendTime",
    flushMessages: num("flush.messages"),
    flushMs: num("flush.ms"),
    uncleanLeaderElection: get("unclean.leader.election.enable").toLowerCase() === "true",
  };
}
