// murmur2 against values computed by Kafka's own Utils.murmur2 (from Kafka's UtilsTest), and
// against kafkajs's default partitioner, which real producers in our workloads use.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Partitioners } from "kafkajs";
import { murmur2, partitionForKey } from "./partitioner.ts";

describe("murmur2", () => {
  it("matches Kafka's published test vectors", () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2
    const cases: [string, number][] = [
      ["21", -973932308],
      ["foobar", -790332482],
      ["a-little-bit-long-string", -985981536],
      ["a-little-bit-longer-string", -1486304829],
      ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
    ];
    for (const [input, expected] of cases) expect(murmur2(Buffer.from(input))).toBe(expected);
    expect(murmur2(Buffer.from([97, 98, 99]))).toBe(479470107);
  });

  it("chooses the same partition as kafkajs's default partitioner", () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (key, n) => {
        const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 1 }));
        const chosen = kafkajs({ topic: "t", partitionMetadata, message: { key, value: "v" } } as never);
        expect(partitionForKey(key, n)).toBe(chosen);
      }),
      { numRuns: 300 },
    );
  });
});
