// The NAT script that makes 127.0.0.1:<port> mean the port's owner in every namespace: exact text
// for one node, and for any set of owners, a rule for exactly the other nodes' ports.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PartitionSpecError } from "./grudge.ts";
import { loopbackScript } from "./loopback.ts";

const owners = [
  { port: 9092, address: "10.213.7.1" },
  { port: 9093, address: "10.213.7.2" },
  { port: 9094, address: "10.213.7.3" },
];

describe("loopbackScript", () => {
  it("sends the other nodes' ports to their addresses, keeps its own on loopback, and leaves as itself", () => {
    expect(loopbackScript("10.213.7.1", "eth0", owners)).toBe(
      "table ip kconform-loopback {\n}\n" +
        "delete table ip kconform-loopback\n" +
        "table ip kconform-loopback {\n" +
        "\tchain output {\n" +
        "\t\ttype nat hook output priority -100; policy accept;\n" +
        "\t\tip daddr 127.0.0.1 tcp dport 9093 dnat to 10.213.7.2:9093\n" +
        "\t\tip daddr 127.0.0.1 tcp dport 9094 dnat to 10.213.7.3:9094\n" +
        "\t}\n" +
        "\tchain postrouting {\n" +
        "\t\ttype nat hook postrouting priority 100; policy accept;\n" +
        '\t\toifname "eth0" ip saddr 127.0.0.0/8 snat to 10.213.7.1\n' +
        "\t}\n" +
        "}\n",
    );
  });

  it("for any owners, rewrites exactly the ports of the other nodes, each to its owner", () => {
    const ownersArb = fc.uniqueArray(fc.record({ port: fc.integer({ min: 1, max: 65535 }), octet: fc.integer({ min: 1, max: 5 }) }), {
      selector: (owner) => owner.port,
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(ownersArb, fc.integer({ min: 1, max: 5 }), (raw, selfOctet) => {
        const routes = raw.map(({ port, octet }) => ({ port, address: `10.213.9.${octet}` }));
        const self = `10.213.9.${selfOctet}`;
        const rewritten = [...loopbackScript(self, "eth0", routes).matchAll(/tcp dport (\d+) dnat to ([\d.]+):(\d+)/g)].map((m) => ({
          port: Number(m[1]),
          address: m[2],
          toPort: Number(m[3]),
        }));
        const expected = routes.filter((route) => route.address !== self).sort((a, b) => a.port - b.port);
        expect(rewritten).toEqual(expected.map((route) => ({ ...route, toPort: route.port })));
      }),
      { numRuns: 100 },
    );
  });

  it("refuses a port owned by two nodes, which would make 127.0.0.1:port ambiguous", () => {
    expect(() => loopbackScript("10.213.7.1", "eth0", [owners[0], { port: 9092, address: "10.213.7.2" }])).toThrow(/port 9092 cannot belong to both/);
  });

  it("refuses anything that is not an address, port or interface name, so nothing else reaches nft", () => {
    expect(() => loopbackScript("10.213.7", "eth0", owners)).toThrow(PartitionSpecError);
    expect(() => loopbackScript("10.213.7.1", "eth0", [{ port: 9092, address: "10.213.7.2; drop" }])).toThrow(PartitionSpecError);
    expect(() => loopbackScript("10.213.7.1", "eth0", [{ port: 70000, address: "10.213.7.2" }])).toThrow(/not a TCP port/);
    expect(() => loopbackScript("10.213.7.1", 'eth0" accept', owners)).toThrow(/not an interface name/);
  });
});
