// The reference broker's settings, named as Kafka names them, with Kafka's defaults except where
// the issue asks otherwise (auto.create.topics.enable=false). Unknown or malformed settings are
// refused at start-up with the key and the reason, never ignored.
import { topicConfigDef } from "../metadata/topic-config.ts";

type SettingType = "int" | "long" | "boolean" | "string" | "double";

interface SettingDef {
  type: SettingType;
  defaultValue: string | null;
  min?: number;
}

const LONG_MAX = "9223372036854775807";

/** Every broker setting the reference broker understands. */
export const BROKER_SETTINGS: Readonly<Record<string, SettingDef>> = {
  "node.id": { type: "int", defaultValue: "1", min: 0 },
  "process.roles": { type: "string", defaultValue: "broker,controller" },
  "broker.rack": { type: "string", defaultValue: null },
  "auto.create.topics.enable": { type: "boolean", defaultValue: "false" },
  "auto.leader.rebalance.enable": { type: "boolean", defaultValue: "true" },
  "leader.imbalance.check.interval.seconds": { type: "long", defaultValue: "300", min: 1 },
  "unclean.leader.election.interval.ms": { type: "long", defaultValue: "300000", min: 1 },
  "num.partitions": { type: "int", defaultValue: "1", min: 1 },
  "default.replication.factor": { type: "int", defaultValue: "1", min: 1 },
  "min.insync.replicas": { type: "int", defaultValue: "1", min: 1 },
  "unclean.leader.election.enable": { type: "boolean", defaultValue: "false" },
  "log.cleanup.policy": { type: "string", defaultValue: "delete" },
  "log.retention.ms": { type: "long", defaultValue: null, min: -1 },
  "log.retention.minutes": { type: "int", defaultValue: null, min: -1 },
  "log.retention.hours": { type: "int", defaultValue: "168", min: -1 },
  "log.retention.bytes": { type: "long", defaultValue: "-1", min: -1 },
  "log.retention.check.interval.ms": { type: "long", defaultValue: "300000", min: 1 },
  "log.segment.bytes": { type: "int", defaultValue: "1073741824", min: 1_048_576 },
  "log.roll.ms": { type: "long", defaultValue: null, min: 1 },
  "log.roll.hours": { type: "int", defaultValue: "168", min: 1 },
  "log.message.timestamp.type": { type: "string", defaultValue: "CreateTime" },
  "log.flush.interval.messages": { type: "long", defaultValue: LONG_MAX, min: 1 },
  "log.flush.interval.ms": { type: "long", defaultValue: null, min: 0 },
  "message.max.bytes": { type: "int", defaultValue: "1048588", min: 0 },
  "compression.type": { type: "string", defaultValue: "producer" },
  "socket.request.max.bytes": { type: "int", defaultValue: "104857600", min: 1 },
  "group.initial.rebalance.delay.ms": { type: "int", defaultValue: "3000", min: 0 },
  "group.min.session.timeout.ms": { type: "int", defaultValue: "6000", min: 0 },
  "group.max.session.timeout.ms": { type: "int", defaultValue: "1800000", min: 0 },
  "group.max.size": { type: "int", defaultValue: "2147483647", min: 1 },
  "offsets.topic.num.partitions": { type: "int", defaultValue: "50", min: 1 },
  "offsets.topic.replication.factor": { type: "int", defaultValue: "3", min: 1 },
  "offsets.commit.timeout.ms": { type: "int", defaultValue: "5000", min: 1 },
  "replica.lag.time.max.ms": { type: "long", defaultValue: "30000", min: 1 },
  "replica.fetch.wait.max.ms": { type: "int", defaultValue: "500", min: 0 },
  "replica.selector.class": { type: "string", defaultValue: null },
  "broker.session.timeout.ms": { type: "int", defaultValue: "9000", min: 1 },
  "broker.heartbeat.interval.ms": { type: "int", defaultValue: "2000", min: 1 },
  "controller.quorum.election.timeout.ms": { type: "int", defaultValue: "1000", min: 1 },
  "controller.quorum.fetch.timeout.ms": { type: "int", defaultValue: "2000", min: 1 },
  "transaction.state.log.replication.factor": { type: "int", defaultValue: "3", min: 1 },
  "transaction.state.log.min.isr": { type: "int", defaultValue: "2", min: 1 },
  "transaction.state.log.num.partitions": { type: "int", defaultValue: "50", min: 1 },
};

export class BrokerConfigError extends Error {
  constructor(message: string, readonly key: string) {
    super(message);
    this.name = "BrokerConfigError";
  }
}

/** Parsed, validated broker settings; `values` holds only what was set explicitly. */
export class BrokerConfig {
  private constructor(readonly values: ReadonlyMap<string, string>) {}

  /** From `key=value` strings (the CLI's --config) or a map; throws BrokerConfigError naming the key. */
  static parse(entries: Iterable<string> | ReadonlyMap<string, string>): BrokerConfig {
    const values = new Map<string, string>();
    const pairs: [string, string][] = entries instanceof Map
      ? [...entries]
      : [...(entries as Iterable<string>)].map((entry) => {
          const eq = entry.indexOf("=");
          if (eq <= 0) throw new BrokerConfigError(`--config expects key=value, got "${entry}"`, entry);
          return [entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()];
        });
    for (const [key, value] of pairs) {
      const problem = settingProblem(key, value);
      if (problem) throw new BrokerConfigError(problem, key);
      values.set(key, value);
    }
    return new BrokerConfig(values);
  }

  get(key: string): string | null {
    const def = BROKER_SETTINGS[key];
    if (!def) throw new BrokerConfigError(`unknown broker setting ${key}`, key);
    return this.values.get(key) ?? def.defaultValue;
  }

  int(key: string): number {
    return Number(this.get(key));
  }

  bool(key: string): boolean {
    return this.get(key) === "true";
  }

  with(overrides: ReadonlyMap<string, string>): BrokerConfig {
    return BrokerConfig.parse(new Map([...this.values, ...overrides]));
  }
}

function settingProblem(key: string, value: string): string | undefined {
  const def = BROKER_SETTINGS[key];
  if (!def) {
    const topicDef = topicConfigDef(key);
    const hint = topicDef?.brokerSynonym ? ` (the broker-wide setting is ${topicDef.brokerSynonym})` : "";
    return `unknown broker setting "${key}"${hint}`;
  }
  switch (def.type) {
    case "boolean":
      return /^(true|false)$/.test(value) ? undefined : `${key} must be true or false, got "${value}"`;
    case "int":
    case "long": {
      if (!/^-?\d+$/.test(value)) return `${key} must be an integer, got "${value}"`;
      if (def.min !== undefined && Number(value) < def.min) return `${key} must be at least ${def.min}, got ${value}`;
      if (def.type === "int" && Math.abs(Number(value)) > 2 ** 31 - 1) return `${key} does not fit a 32-bit integer: ${value}`;
      return undefined;
    }
    case "double":
      return Number.isFinite(Number(value)) ? undefined : `${key} must be a number, got "${value}"`;
    case "string":
      return undefined;
  }
}
