// The nftables scripts a grudge becomes: exact text for one case, and for any grudge, that each
// node's script drops exactly the addresses of the nodes it holds a grudge against.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { completeGrudge, isolateNode, PartitionSpecError } from "./grudge.ts";
import { dropFromScript, healScript, partitionScripts } from "./nft.ts";

const addresses = new Map([
  [1, "10.213.7.1"],
  [2, "10.213.7.2"],
  [3, "10.213.7.3"],
]);

describe("dropFromScript", () => {
  it("replaces our table with an input chain dropping the sources", () => {
    expect(dropFromScript(["10.213.7.3", "10.213.7.2"])).toBe(
      "table inet kconform {\n}\n" +
        "delete table inet kconform\n" +
        "table inet kconform {\n" +
        "\tchain input {\n" +
        "\t\ttype filter hook input priority filter; policy accept;\n" +
        "\t\tip saddr { 10.213.7.2, 10.213.7.3 } drop\n" +
        "\t}\n" +
        "}\n",
    );
  });

  it("with no sources only removes the table", () => {
    expect(dropFromScript([])).toBe(healScript());
    expect(healScript()).toBe("table inet kconform {\n}\ndelete table inet kconform\n");
  });

  it("refuses anything that is not an IPv4 address, so nothing else reaches nft", () => {
    for (const bad of ["10.213.7", "10.213.7.256", "10.213.7.1 } accept {", "::1", ""]) {
      expect(() => dropFromScript([bad])).toThrow(PartitionSpecError);
    }
  });
});

describe("partitionScripts", () => {
  it("isolating node 1 drops 2 and 3 on node 1, and node 1 on the others", () => {
    const scripts = partitionScripts(isolateNode([1, 2, 3], 1), addresses);
    expect(scripts.get(1)).toContain("ip saddr { 10.213.7.2, 10.213.7.3 } drop");
    expect(scripts.get(2)).toContain("ip saddr { 10.213.7.1 } drop");
    expect(scripts.get(3)).toContain("ip saddr { 10.213.7.1 } drop");
  });

  it("gives every node a script, dropping exactly its grudge's addresses", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(2), { minLength: 3, maxLength: 3 }), (labels) => {
        const components = [0, 1, 2].map((c) => [1, 2, 3].filter((_, index) => labels[index] === c));
        const grudge = completeGrudge(components);
        const scripts = partitionScripts(grudge, addresses);
        expect([...scripts.keys()].sort()).toEqual([1, 2, 3]);
        for (const [node, script] of scripts) {
          const dropped = /ip saddr \{ ([^}]*) \} drop/.exec(script)?.[1].split(", ") ?? [];
          const expected = [...(grudge.get(node) ?? [])].map((id) => addresses.get(id)).sort();
          expect(dropped).toEqual(expected);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("refuses a grudge naming a node outside the network", () => {
    expect(() => partitionScripts(new Map([[1, new Set([9])]]), addresses)).toThrow(/node 9 is not part of this network/);
  });

  it("refuses a node dropping itself, which would also cut its own loopback clients", () => {
    expect(() => partitionScripts(new Map([[1, new Set([1])]]), addresses)).toThrow(PartitionSpecError);
  });
});
