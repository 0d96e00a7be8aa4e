// Broker settings: Kafka's names and defaults, and clear refusals of unknown or malformed keys.
import { describe, expect, it } from "vitest";
import { BrokerConfig, BrokerConfigError } from "./broker-config.ts";

describe("BrokerConfig", () => {
  it("defaults like Kafka, except auto topic creation which is off", () => {
    const config = BrokerConfig.parse([]);
    expect(config.bool("auto.create.topics.enable")).toBe(false);
    expect(config.int("num.partitions")).toBe(1);
    expect(config.int("socket.request.max.bytes")).toBe(104_857_600);
    expect(config.get("broker.rack")).toBeNull();
  });

  it("parses key=value flags", () => {
    const config = BrokerConfig.parse(["num.partitions=3", "auto.create.topics.enable = true"]);
    expect(config.int("num.partitions")).toBe(3);
    expect(config.bool("auto.create.topics.enable")).toBe(true);
  });

  it.each([
    ["nope", /key=value/],
    ["retention.ms=5", /unknown broker setting "retention.ms" \(the broker-wide setting is log.retention.ms\)/],
    ["num.partitions=zero", /must be an integer/],
    ["num.partitions=0", /at least 1/],
    ["auto.create.topics.enable=yes", /true or false/],
  ])("refuses %j with a message naming the problem", (entry, message) => {
    expect(() => BrokerConfig.parse([entry])).toThrow(BrokerConfigError);
    expect(() => BrokerConfig.parse([entry])).toThrow(message);
  });
});
