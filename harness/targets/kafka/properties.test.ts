// server.properties generation: listeners and advertised addresses, test-speed defaults, overrides,
// and escaping that java.util.Properties reads back unchanged.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatProperties, parseConfigOverride, serverProperties } from "./properties.ts";
import { placeInNamespaces, planKafkaCluster } from "./topology.ts";

/** The subset of java.util.Properties.load our writer produces: key=value lines with escapes. */
function readProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.length === 0 || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const value = line
      .slice(eq + 1)
      .replace(/\\u([0-9a-f]{4})|\\(.)/g, (_, hex: string | undefined, ch: string | undefined) =>
        hex !== undefined ? String.fromCharCode(Number.parseInt(hex, 16)) : ({ n: "\n", r: "\r" } as Record<string, string>)[ch as string] ?? (ch as string),
      );
    entries.set(line.slice(0, eq), value);
  }
  return entries;
}

describe("parseConfigOverride", () => {
  it("splits at the first '='", () => {
    expect(parseConfigOverride("sasl.jaas.config=a=b")).toEqual(["sasl.jaas.config", "a=b"]);
    expect(parseConfigOverride(" log.retention.ms = 1000 ")).toEqual(["log.retention.ms", "1000"]);
  });

  it.each(["no-equals", "=value", "bad key=1", "a/b=1"])("rejects %j with a message naming the flag", (text) => {
    expect(() => parseConfigOverride(text)).toThrow(/--config expects key=value/);
  });
});

describe("serverProperties", () => {
  const plan = planKafkaCluster({ brokers: 3, basePort: 20000, proxied: true });
  const [first] = plan.nodes;

  it("binds the broker's own port and advertises the proxy's on the client listener", () => {
    const props = readProperties(serverProperties(plan, first, "/data/1"));
    expect(props.get("listeners")).toBe("CLIENT://127.0.0.1:20003,INTERNAL://127.0.0.1:20006,CONTROLLER://127.0.0.1:20009");
    expect(props.get("advertised.listeners")).toBe("CLIENT://127.0.0.1:20000,INTERNAL://127.0.0.1:20006");
    expect(props.get("inter.broker.listener.name")).toBe("INTERNAL");
    expect(props.get("process.roles")).toBe("broker,controller");
    expect(props.get("controller.quorum.voters")).toBe(plan.quorumVoters);
    expect(props.get("log.dirs")).toBe("/data/1");
  });

  it("in a namespace, binds and advertises the peer listeners on the node's address and the client listener on 127.0.0.1", () => {
    const placed = placeInNamespaces(plan, new Map([[1, "10.213.5.1"], [2, "10.213.5.2"], [3, "10.213.5.3"]]));
    const props = readProperties(serverProperties(placed, placed.nodes[0], "/data/1"));
    expect(props.get("listeners")).toBe("CLIENT://127.0.0.1:20003,INTERNAL://10.213.5.1:20006,CONTROLLER://10.213.5.1:20009");
    expect(props.get("advertised.listeners")).toBe("CLIENT://127.0.0.1:20000,INTERNAL://10.213.5.1:20006");
    expect(props.get("controller.quorum.voters")).toBe("1@10.213.5.1:20009,2@10.213.5.2:20010,3@10.213.5.3:20011");
  });

  it("sizes internal topics to the broker count", () => {
    const single = planKafkaCluster({ brokers: 1, basePort: 20000, proxied: false });
    const props = readProperties(serverProperties(single, single.nodes[0], "/d"));
    expect(props.get("offsets.topic.replication.factor")).toBe("1");
    expect(props.get("transaction.state.log.min.isr")).toBe("1");
    expect(readProperties(serverProperties(plan, first, "/d")).get("transaction.state.log.min.isr")).toBe("2");
  });

  it("lets overrides replace defaults, once", () => {
    const text = serverProperties(plan, first, "/d", [["replica.lag.time.max.ms", "9999"], ["log.retention.ms", "1"]]);
    expect(text.match(/^replica\.lag\.time\.max\.ms=/gm)).toHaveLength(1);
    expect(readProperties(text).get("replica.lag.time.max.ms")).toBe("9999");
    expect(readProperties(text).get("log.retention.ms")).toBe("1");
  });

  it("gives a dedicated controller only its controller listener", () => {
    const split = planKafkaCluster({ brokers: 1, controllers: 1, basePort: 20000, proxied: true });
    const controller = split.nodes.find((n) => n.roles.join() === "controller");
    const props = readProperties(serverProperties(split, controller!, "/d"));
    expect(props.get("listeners")).toMatch(/^CONTROLLER:\/\/127\.0\.0\.1:\d+$/);
    expect(props.has("advertised.listeners")).toBe(false);
    expect(props.has("inter.broker.listener.name")).toBe(false);
  });
});

describe("formatProperties", () => {
  it("writes values that read back unchanged, whatever characters they hold", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        expect(readProperties(formatProperties([["k", value]], "test")).get("k")).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});
