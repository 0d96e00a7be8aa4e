// DescribeConfigs and CreateTopics config answers follow Kafka's two different rules: the synonym
// chain (with its drop-before-own-name quirk) for DescribeConfigs, the first matching source for
// CreateTopics.
import { describe, expect, it } from "vitest";
import { BrokerConfig } from "../config/broker-config.ts";
import { ConfigSource, ConfigType, createdTopicConfigs, describeBrokerConfigs, describeTopicConfigs } from "./config-descriptions.ts";

const byName = <T extends { name: string }>(list: T[], name: string): T => {
  const found = list.find((entry) => entry.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
};

describe("topic config descriptions", () => {
  it("report Kafka's defaults with the broker default as synonym where Kafka has one", () => {
    const configs = describeTopicConfigs(new Map(), BrokerConfig.parse([]));
    expect(byName(configs, "segment.bytes")).toMatchObject({
      value: "1073741824",
      configSource: ConfigSource.DEFAULT_CONFIG,
      synonyms: [{ name: "log.segment.bytes", value: "1073741824", source: ConfigSource.DEFAULT_CONFIG }],
      configType: ConfigType.INT,
      readOnly: false,
    });
    // log.retention.ms has no default, and the chain is cut before it: no synonyms at all.
    expect(byName(configs, "retention.ms")).toMatchObject({ value: "604800000", configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
    expect(byName(configs, "cleanup.policy").configType).toBe(ConfigType.LIST);
    expect(configs.map((c) => c.name)).toEqual([...configs.map((c) => c.name)].sort());
  });

  it("put a topic override first, then static broker settings, then defaults", () => {
    const broker = BrokerConfig.parse(["log.retention.ms=1000", "message.max.bytes=2000"]);
    const configs = describeTopicConfigs(new Map([["retention.ms", "5000"]]), broker);
    expect(byName(configs, "retention.ms")).toMatchObject({
      value: "5000",
      configSource: ConfigSource.TOPIC_CONFIG,
      synonyms: [
        { name: "retention.ms", value: "5000", source: ConfigSource.TOPIC_CONFIG },
        { name: "log.retention.ms", value: "1000", source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: "log.retention.hours", value: "168", source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
    expect(byName(configs, "max.message.bytes")).toMatchObject({ value: "2000", configSource: ConfigSource.STATIC_BROKER_CONFIG });
  });

  it("echo created topics' configs with the controller's sources", () => {
    const configs = createdTopicConfigs(new Map([["retention.ms", "5000"]]), BrokerConfig.parse(["log.retention.hours=1"]));
    expect(byName(configs, "retention.ms")).toEqual({ name: "retention.ms", value: "5000", readOnly: false, configSource: ConfigSource.TOPIC_CONFIG, isSensitive: false });
    expect(byName(configs, "segment.bytes").configSource).toBe(ConfigSource.DEFAULT_CONFIG);
    const hours = createdTopicConfigs(new Map(), BrokerConfig.parse(["log.retention.hours=1"]));
    expect(byName(hours, "retention.ms")).toMatchObject({ value: "3600000", configSource: ConfigSource.STATIC_BROKER_CONFIG });
  });
});

describe("broker config descriptions", () => {
  it("mark static settings and make only topic defaults writable", () => {
    const configs = describeBrokerConfigs(BrokerConfig.parse(["num.partitions=3"]));
    expect(byName(configs, "num.partitions")).toMatchObject({ value: "3", configSource: ConfigSource.STATIC_BROKER_CONFIG, readOnly: true });
    expect(byName(configs, "log.segment.bytes")).toMatchObject({ value: "1073741824", configSource: ConfigSource.DEFAULT_CONFIG, readOnly: false });
    expect(byName(configs, "broker.rack")).toMatchObject({ value: null, configSource: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
  });
});
