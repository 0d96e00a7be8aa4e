// The broker environment of the containerised target: KRaft identity, listener scheme, and the
// property-name encoding the apache/kafka image decodes.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { brokerEnvironment, configEnvName } from "./broker-config.ts";

/** apache/kafka's docker scripts: `___` → `-`, `__` → `_`, `_` → `.`, lower-cased, after `KAFKA_`. */
function decode(name: string): string {
  return name
    .slice("KAFKA_".length)
    .toLowerCase()
    .replace(/___/g, "-")
    .replace(/__/g, "\0")
    .replace(/_/g, ".")
    .replace(/\0/g, "_");
}

describe("configEnvName", () => {
  it("encodes names the image decodes back to the same property", () => {
    expect(configEnvName("log.dirs")).toBe("KAFKA_LOG_DIRS");
    expect(configEnvName("listener.name.client.ssl_x-y")).toBe("KAFKA_LISTENER_NAME_CLIENT_SSL__X___Y");
    const property = fc.stringMatching(/^[a-z][a-z0-9]*([._-][a-z0-9]+)*$/);
    fc.assert(
      fc.property(property, (name) => {
        expect(decode(configEnvName(name))).toBe(name);
      }),
      { numRuns: 200 },
    );
  });
});

describe("brokerEnvironment", () => {
  const env = brokerEnvironment({ nodeId: 2, nodeIds: [1, 2, 3], advertisedClientAddress: "localhost:32811" });

  it("makes every node a combined voter of one quorum", () => {
    expect(env.KAFKA_NODE_ID).toBe("2");
    expect(env.KAFKA_PROCESS_ROLES).toBe("broker,controller");
    expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
  });

  it("advertises the proxy to clients and its own alias to other brokers", () => {
    expect(env.KAFKA_ADVERTISED_LISTENERS).toBe("CLIENT://localhost:32811,INTERNAL://kafka-2:19092");
    expect(env.KAFKA_INTER_BROKER_LISTENER_NAME).toBe("INTERNAL");
  });

  it("lets extra properties override the defaults", () => {
    const tuned = brokerEnvironment({ nodeId: 1, nodeIds: [1], advertisedClientAddress: "h:1", config: { "replica.lag.time.max.ms": "100" } });
    expect(tuned.KAFKA_REPLICA_LAG_TIME_MAX_MS).toBe("100");
    expect(tuned.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe("1");
  });

  it("refuses a node that is not in the cluster", () => {
    expect(() => brokerEnvironment({ nodeId: 4, nodeIds: [1, 2, 3], advertisedClientAddress: "h:1" })).toThrow(RangeError);
  });
});
