// The offsets topic records in Kafka's layout: golden bytes, round trips, typed decode errors, and
// the group → offsets partition hash that FindCoordinator relies on.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { javaStringHashCode, partitionForGroup } from "./coordinator-partition.ts";
import { subscribedTopicsOf } from "./consumer-protocol.ts";
import { decodeGroupRecord, encodeGroupRecord, GroupRecordFormatError, type GroupRecord } from "./records.ts";
import { consumerSubscription } from "./test-kit.ts";

const hex = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString("hex"));

describe("offsets topic records", () => {
  it("writes OffsetCommitKey v1 and OffsetCommitValue v3 byte for byte as Kafka does", () => {
    const encoded = encodeGroupRecord({
      type: "offset-commit",
      groupId: "g",
      topic: "t",
      partition: 2,
      value: { offset: 5n, leaderEpoch: -1, metadata: "", commitTimestamp: 1 },
    });
    expect(hex(encoded.key)).toBe("0001" + "0001" + "67" + "0001" + "74" + "00000002");
    expect(hex(encoded.value)).toBe("0003" + "0000000000000005" + "ffffffff" + "0000" + "0000000000000001");
  });

  it("writes GroupMetadataKey v2 with a null value as the tombstone", () => {
    const encoded = encodeGroupRecord({ type: "group-metadata", groupId: "g", value: null });
    expect(hex(encoded.key)).toBe("0002" + "0001" + "67");
    expect(encoded.value).toBeNull();
  });

  it("decodes what it encodes", () => {
    const bytesArb = fc.uint8Array({ maxLength: 16 }).map((array) => Buffer.from(array));
    const text = fc.string({ maxLength: 12 });
    const offsetCommit = fc.record({
      type: fc.constant("offset-commit" as const),
      groupId: text,
      topic: text,
      partition: fc.integer({ min: 0, max: 1000 }),
      value: fc.option(
        fc.record({
          offset: fc.bigInt({ min: -1n, max: 2n ** 62n }),
          leaderEpoch: fc.integer({ min: -1, max: 1000 }),
          metadata: text,
          commitTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
        }),
        { nil: null },
      ),
    });
    const groupMetadata = fc.record({
      type: fc.constant("group-metadata" as const),
      groupId: text,
      value: fc.option(
        fc.record({
          protocolType: text,
          generation: fc.integer({ min: 0, max: 100 }),
          protocol: fc.option(text, { nil: null }),
          leader: fc.option(text, { nil: null }),
          currentStateTimestamp: fc.integer({ min: 0, max: 2 ** 45 }),
          members: fc.array(
            fc.record({
              memberId: text,
              groupInstanceId: fc.option(text, { nil: null }),
              clientId: text,
              clientHost: text,
              rebalanceTimeout: fc.integer({ min: 0, max: 300_000 }),
              sessionTimeout: fc.integer({ min: 0, max: 300_000 }),
              subscription: bytesArb,
              assignment: bytesArb,
            }),
            { maxLength: 3 },
          ),
        }),
        { nil: null },
      ),
    });
    fc.assert(
      fc.property(fc.oneof(offsetCommit, groupMetadata), (record: GroupRecord) => {
        const { key, value } = encodeGroupRecord(record);
        expect(decodeGroupRecord(key, value)).toEqual(record);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses unknown versions and truncated bytes with a typed error", () => {
    const { key, value } = encodeGroupRecord({
      type: "offset-commit",
      groupId: "g",
      topic: "t",
      partition: 0,
      value: { offset: 1n, leaderEpoch: 0, metadata: "m", commitTimestamp: 0 },
    });
    expect(() => decodeGroupRecord(Uint8Array.from([0, 7, 0, 0]), null)).toThrow(GroupRecordFormatError);
    expect(() => decodeGroupRecord(key, value!.subarray(0, value!.length - 1))).toThrow(GroupRecordFormatError);
    expect(() => decodeGroupRecord(key, Uint8Array.from([0, 1, ...value!.subarray(2)]))).toThrow(GroupRecordFormatError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null }), (k, v) => {
        try {
          decodeGroupRecord(k, v);
        } catch (error) {
          expect(error).toBeInstanceOf(GroupRecordFormatError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("coordinator placement and consumer subscriptions", () => {
  it("hashes group ids like Java's String.hashCode and Kafka's Utils.abs", () => {
    expect(javaStringHashCode("hello")).toBe(99162322);
    expect(javaStringHashCode("")).toBe(0);
    // The classic string whose hashCode is Integer.MIN_VALUE: Utils.abs maps it to 0.
    expect(javaStringHashCode("polygenelubricants")).toBe(-2147483648);
    expect(partitionForGroup("polygenelubricants", 50)).toBe(0);
    expect(partitionForGroup("hello", 50)).toBe(99162322 % 50);
    expect(partitionForGroup("console-consumer-1", 1)).toBe(0);
  });

  it("reads the topics of a consumer subscription and rejects other metadata", () => {
    expect(subscribedTopicsOf(consumerSubscription(["a", "b"]))).toEqual(["a", "b"]);
    expect(subscribedTopicsOf(Uint8Array.from([0, 1]))).toBeUndefined();
    expect(subscribedTopicsOf(Uint8Array.from([255, 255, 0, 0, 0, 0]))).toBeUndefined();
  });
});
