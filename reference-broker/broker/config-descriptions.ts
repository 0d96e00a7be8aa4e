// How topic and broker configs are described to clients, by Kafka's rules: DescribeConfigs
// (ConfigHelper: value, source from the synonym chain, synonyms, type, documentation) and the
// configs echoed by CreateTopics v5+ (the controller's effective-config resolution, a different
// rule). Pure functions over a topic's overrides and the broker's static settings.
import { BROKER_SETTINGS, type BrokerConfig } from "../config/broker-config.ts";
import { configValue, TOPIC_CONFIGS, type ConfigSource as TopicConfigSource } from "../metadata/topic-config.ts";
import { CONFIG_DOCUMENTATION } from "./config-documentation.ts";

/** DescribeConfigsResponse.ConfigSource ids. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** DescribeConfigsResponse.ConfigType ids. */
export const ConfigType = { UNKNOWN: 0, BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 } as const;

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface ConfigDescription {
  name: string;
  value: string | null;
  readOnly: boolean;
  configSource: number;
  isSensitive: boolean;
  synonyms: ConfigSynonym[];
  configType: number;
  documentation: string;
}

/** Java's String.compareTo order, which Kafka sorts config names by. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Configs Kafka types as lists although their values here are single words. */
const LIST_CONFIGS = new Set(["cleanup.policy", "log.cleanup.policy", "process.roles"]);

function configType(name: string, type: string): number {
  if (LIST_CONFIGS.has(name)) return ConfigType.LIST;
  switch (type) {
    case "boolean":
      return ConfigType.BOOLEAN;
    case "int":
      return ConfigType.INT;
    case "long":
      return ConfigType.LONG;
    case "double":
      return ConfigType.DOUBLE;
    default:
      return ConfigType.STRING;
  }
}

/** Kafka's DynamicBrokerConfig.brokerConfigSynonyms: the settings that stand in for one another. */
function brokerSynonyms(name: string): string[] {
  switch (name) {
    case "log.roll.ms":
    case "log.roll.hours":
      return ["log.roll.ms", "log.roll.hours"];
    case "log.flush.interval.ms":
      return ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"];
    case "log.retention.ms":
    case "log.retention.minutes":
    case "log.retention.hours":
      return ["log.retention.ms", "log.retention.minutes", "log.retention.hours"];
    default:
      return [name];
  }
}

/**
 * Kafka's ConfigHelper.configSynonyms: static settings, then Kafka's non-null defaults, each in
 * synonym order, then everything before the first entry named `name` dropped — which is why
 * retention.ms shows no synonyms when only log.retention.hours has a value.
 */
function synonymChain(name: string, config: BrokerConfig): ConfigSynonym[] {
  const names = brokerSynonyms(name);
  const chain: ConfigSynonym[] = [];
  for (const synonym of names) {
    const value = config.values.get(synonym);
    if (value !== undefined) chain.push({ name: synonym, value, source: ConfigSource.STATIC_BROKER_CONFIG });
  }
  for (const synonym of names) {
    const value = BROKER_SETTINGS[synonym]?.defaultValue;
    if (value !== undefined && value !== null) chain.push({ name: synonym, value, source: ConfigSource.DEFAULT_CONFIG });
  }
  const first = chain.findIndex((entry) => entry.name === name);
  return first < 0 ? [] : chain.slice(first);
}

/** DescribeConfigs of a topic: every topic config this broker implements, by name. */
export function describeTopicConfigs(overrides: ReadonlyMap<string, string>, config: BrokerConfig): ConfigDescription[] {
  return [...TOPIC_CONFIGS]
    .sort((a, b) => byName(a.name, b.name))
    .map((def) => {
      const value = configValue(def.name, overrides, config.values).value;
      const chain = def.brokerSynonym ? synonymChain(def.brokerSynonym, config) : [];
      const own = overrides.get(def.name);
      const synonyms = own !== undefined ? [{ name: def.name, value: own, source: ConfigSource.TOPIC_CONFIG }, ...chain] : chain;
      return {
        name: def.name,
        value,
        readOnly: false,
        configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
        isSensitive: false,
        synonyms,
        configType: configType(def.name, def.type),
        documentation: CONFIG_DOCUMENTATION[def.name] ?? "",
      };
    });
}

/**
 * DescribeConfigs of this broker (Kafka's per-broker view): every setting it understands with its
 * value, static or default. Only the broker-wide defaults of topic configs are dynamic in Kafka;
 * the rest are read-only.
 */
export function describeBrokerConfigs(config: BrokerConfig): ConfigDescription[] {
  const dynamic = new Set(TOPIC_CONFIGS.flatMap((def) => (def.brokerSynonym ? [def.brokerSynonym] : [])));
  return Object.entries(BROKER_SETTINGS)
    .sort(([a], [b]) => byName(a, b))
    .map(([name, def]) => {
      const synonyms = synonymChain(name, config);
      return {
        name,
        value: config.get(name),
        readOnly: !dynamic.has(name),
        configSource: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
        isSensitive: false,
        synonyms,
        configType: configType(name, def.type),
        documentation: CONFIG_DOCUMENTATION[name] ?? "",
      };
    });
}

const CREATED_SOURCE: Record<TopicConfigSource, number> = {
  topic: ConfigSource.TOPIC_CONFIG,
  broker: ConfigSource.STATIC_BROKER_CONFIG,
  default: ConfigSource.DEFAULT_CONFIG,
};

/** The configs CreateTopics v5+ returns: each topic config's effective value and where it came from, by name. */
export function createdTopicConfigs(overrides: ReadonlyMap<string, string>, config: BrokerConfig) {
  return [...TOPIC_CONFIGS]
    .sort((a, b) => byName(a.name, b.name))
    .map((def) => {
      const { value, source } = configValue(def.name, overrides, config.values);
      return { name: def.name, value, readOnly: false, configSource: CREATED_SOURCE[source], isSensitive: false };
    });
}
