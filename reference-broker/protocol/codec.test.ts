// Byte-exact checks of the codec's edges: compact and classic lengths, nulls, tagged fields and
// their order, defaults, ignorable fields, and each way decoding and encoding can be refused.
import { describe, expect, it } from "vitest";
import { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";
import { decodeMessage, encodeMessage, expectEnd, readMessage, writeMessage } from "./codec.ts";
import { ProtocolDecodeError, ProtocolEncodeError, type DecodeReason, type EncodeReason } from "./codec-errors.ts";
import type { MessageSchema } from "./schema.ts";

const hex = (b: Buffer): string => b.toString("hex");
const bytes = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ""), "hex");

function encodeSynthetic(schema: MessageSchema, version: number, value: unknown): string {
  const writer = new ByteWriter(4);
  writeMessage(writer, schema, version, value);
  return hex(writer.finish());
}

function decodeSynthetic(schema: MessageSchema, version: number, data: string): unknown {
  const reader = new ByteReader(bytes(data));
  const value = readMessage(reader, schema, version, {});
  expectEnd(reader, schema, version, {});
  return value;
}

function encodeError(run: () => unknown): ProtocolEncodeError {
  try {
    run();
  } catch (e) {
    if (e instanceof ProtocolEncodeError) return e;
    throw e;
  }
  throw new Error("expected a ProtocolEncodeError");
}

function decodeError(run: () => unknown): ProtocolDecodeError {
  try {
    run();
  } catch (e) {
    if (e instanceof ProtocolDecodeError) return e;
    throw e;
  }
  throw new Error("expected a ProtocolDecodeError");
}

function expectEncodeError(run: () => unknown, reason: EncodeReason, field?: string): void {
  const error = encodeError(run);
  expect({ reason: error.reason, field: error.field }).toEqual({ reason, field });
}

function expectDecodeError(run: () => unknown, reason: DecodeReason, field?: string, offset?: number): void {
  const error = decodeError(run);
  expect({ reason: error.reason, field: error.field }).toEqual({ reason, field });
  if (offset !== undefined) expect(error.offset).toBe(offset);
}

const produce = (records: Buffer | null) => ({
  transactionalId: null,
  acks: -1,
  timeoutMs: 30000,
  topicData: [{ name: "t", partitionData: [{ index: 0, records }] }],
});

describe("lengths and nulls", () => {
  it("writes flexible versions with compact lengths (length + 1, 0 for null) and tagged-field sections", () => {
    expect(hex(encodeMessage("ProduceRequest", 9, produce(Buffer.from("abc"))))).toBe(
      "00 ffff 00007530 02 0274 02 00000000 04616263 00 00 00".replace(/ /g, ""),
    );
  });

  it("writes classic versions with int16 string and int32 bytes and array lengths, -1 for null", () => {
    expect(hex(encodeMessage("ProduceRequest", 3, produce(Buffer.from("abc"))))).toBe(
      "ffff ffff 00007530 00000001 000174 00000001 00000000 00000003616263".replace(/ /g, ""),
    );
    expect(hex(encodeMessage("ProduceRequest", 3, produce(null))).slice(-8)).toBe("ffffffff");
  });

  it("tells empty from null for compact strings, arrays and records", () => {
    expect(hex(encodeMessage("ProduceRequest", 9, { ...produce(null), transactionalId: "" })).slice(0, 2)).toBe("01");
    expect(hex(encodeMessage("MetadataRequest", 9, { topics: null, allowAutoTopicCreation: true }))).toBe("0001000000");
    expect(hex(encodeMessage("MetadataRequest", 9, { topics: [], allowAutoTopicCreation: false }))).toBe("0100000000");
    // Flexible Fetch must send an empty record set as zero-length, never as null.
    // The partition ends with: index, records, then the partition's, topic's and request's tagged fields.
    expect(hex(encodeMessage("ProduceRequest", 9, produce(Buffer.alloc(0)))).slice(-16)).toBe("00000000" + "01" + "000000");
    expect(hex(encodeMessage("ProduceRequest", 9, produce(null))).slice(-16)).toBe("00000000" + "00" + "000000");
    expect(decodeMessage("ProduceRequest", 9, encodeMessage("ProduceRequest", 9, produce(Buffer.alloc(0)))).topicData[0].partitionData[0].records).toEqual(
      Buffer.alloc(0),
    );
  });

  it("writes a nullable struct outside tagged fields as an int8 marker: -1 null, 1 present", () => {
    const request = { topics: [], responsePartitionLimit: 2000 };
    expect(hex(encodeMessage("DescribeTopicPartitionsRequest", 0, { ...request, cursor: null }))).toBe("01000007d0ff00");
    const withCursor = { ...request, cursor: { topicName: "t", partitionIndex: 1 } };
    expect(hex(encodeMessage("DescribeTopicPartitionsRequest", 0, withCursor))).toBe("01000007d001027400000001" + "0000");
    expect(decodeMessage("DescribeTopicPartitionsRequest", 0, bytes("01000007d001027400000001" + "0000")).cursor).toEqual({
      topicName: "t",
      partitionIndex: 1,
    });
  });
});

const PRIMITIVES: MessageSchema = {
  name: "Primitives",
  type: "data",
  valid: "0",
  flexible: "none",
  fields: [
    ["u16", "uint16", "0+"],
    ["f64", "float64", "0+"],
    ["id", "uuid", "0+"],
    ["u32", "uint32", "0+"],
    ["flag", "bool", "0+"],
    ["i8", "int8", "0+"],
    ["i64", "int64", "0+"],
  ],
};

describe("primitive types", () => {
  const value = { u16: 65535, f64: 1.5, id: "AAAAAAAAAAAAAAAAAAAAAQ", u32: 4294967295, flag: true, i8: -2, i64: -2n };
  const encoded = "ffff 3ff8000000000000 00000000000000000000000000000001 ffffffff 01 fe fffffffffffffffe".replace(/ /g, "");

  it("writes uint16, float64, uuid, uint32, bool, int8 and int64 big-endian", () => {
    expect(encodeSynthetic(PRIMITIVES, 0, value)).toBe(encoded);
    expect(decodeSynthetic(PRIMITIVES, 0, encoded)).toEqual(value);
  });

  it("reads any non-zero byte as true, as Kafka does", () => {
    const asTrue = encoded.replace("ffffffff01fe", "ffffffff7ffe");
    expect(decodeSynthetic(PRIMITIVES, 0, asTrue)).toEqual(value);
  });

  it.each([
    ["u16", -1],
    ["u16", 65536],
    ["i8", 128],
    ["u32", 2 ** 32],
    ["i64", 1],
    ["i64", 2n ** 63n],
    ["id", "AAAAAAAAAAAAAAAAAAAAAB"],
    ["id", "too short"],
    ["flag", 1],
    ["f64", "1.5"],
  ])("refuses %s = %s as invalid-value", (field, bad) => {
    expectEncodeError(() => encodeSynthetic(PRIMITIVES, 0, { ...value, [field]: bad }), "invalid-value", field);
  });
});

const TAGGED: MessageSchema = {
  name: "Tagged",
  type: "data",
  valid: "0-1",
  flexible: "1+",
  fields: [
    // Mandatory in the classic version, tagged in the flexible one.
    ["late", "int32", "0+", { tag: 5, tagged: "1+" }],
    ["early", "string", "1+", { tag: 1, tagged: "1+", nullable: "1+", default: "null" }],
    ["box", "Box", "1+", { tag: 2, tagged: "1+", nullable: "1+", default: "null", fields: [["x", "int8", "1+"]] }],
    ["pad", "Pad", "1+", { tag: 3, tagged: "1+", nullable: "1+", fields: [["y", "int8", "1+", { default: "7" }]] }],
    ["inline", "int16", "0+"],
  ],
};

describe("tagged fields", () => {
  it("writes them after the fixed fields, sorted by tag, each with its size", () => {
    const encoded = encodeSynthetic(TAGGED, 1, { late: 7, early: "e", box: { x: 3 }, pad: { y: 7 }, inline: 9 });
    expect(encoded).toBe("0009 03 01020265 0203010300 050400000007".replace(/ /g, ""));
  });

  it("leaves defaults out, but writes null for a nullable field whose default is not null", () => {
    expect(encodeSynthetic(TAGGED, 1, { late: 0, early: null, box: null, inline: 9 })).toBe("000900");
    expect(encodeSynthetic(TAGGED, 1, { inline: 9, pad: null })).toBe("0009" + "01" + "030100");
    expect(decodeSynthetic(TAGGED, 1, "0009" + "01" + "030100")).toEqual({ late: 0, early: null, box: null, pad: null, inline: 9 });
  });

  it("reads tagged fields in any order and fills defaults for the missing ones", () => {
    expect(decodeSynthetic(TAGGED, 1, "0009 02 050400000007 01020265".replace(/ /g, ""))).toEqual({
      late: 7,
      early: "e",
      box: null,
      pad: { y: 7 },
      inline: 9,
    });
  });

  it("writes a field inline in versions where it is not tagged", () => {
    expect(encodeSynthetic(TAGGED, 0, { late: 7, inline: 9 })).toBe("000000070009");
    expectEncodeError(() => encodeSynthetic(TAGGED, 0, { late: 7, inline: 9, early: "e" }), "non-default-field", "early");
  });

  it("skips tags it does not know", () => {
    const request = "0b6c696272646b61666b6106322e302e32";
    expect(decodeMessage("ApiVersionsRequest", 3, bytes(request + "02 0703aabbcc 1f00"))).toEqual({
      clientSoftwareName: "librdkafka",
      clientSoftwareVersion: "2.0.2",
    });
  });

  it("writes struct-typed tagged fields in Kafka's order (FetchRequest v15)", () => {
    const fetch = {
      clusterId: "c",
      replicaState: { replicaId: 1, replicaEpoch: 2n },
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [],
      forgottenTopicsData: [],
      rackId: "",
    };
    const encoded = "000001f4 00000001 00000400 00 00000000 ffffffff 01 01 01 02 00020263 010d000000010000000000000002 00";
    expect(hex(encodeMessage("FetchRequest", 15, fetch))).toBe(encoded.replace(/ /g, ""));
    expect(decodeMessage("FetchRequest", 15, bytes(encoded))).toEqual({ ...fetch, replicaId: -1 });
  });

  it("moves a tagged value of 128 bytes or more to fit a two-byte size", () => {
    const fetch = { maxWaitMs: 500, minBytes: 1, topics: [], clusterId: "x".repeat(200) };
    const encoded = encodeMessage("FetchRequest", 12, fetch);
    expect(hex(encoded).slice(-2 * 206)).toBe("01" + "00" + "ca01" + "c901" + "78".repeat(200));
    expect(decodeMessage("FetchRequest", 12, encoded).clusterId).toBe("x".repeat(200));
  });
});

describe("fields a version lacks", () => {
  const fetchV2 = "ffffffff 000001f4 00000001 00000000";

  it("decode to their defaults, custom ones included", () => {
    expect(decodeMessage("FetchRequest", 2, bytes(fetchV2))).toEqual({
      clusterId: null,
      replicaId: -1,
      replicaState: { replicaId: -1, replicaEpoch: -1n },
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 0x7fffffff,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [],
      forgottenTopicsData: [],
      rackId: "",
    });
  });

  it("are dropped silently when ignorable", () => {
    const fetch = { replicaId: -1, maxWaitMs: 500, minBytes: 1, maxBytes: 1024, rackId: "rack", topics: [] };
    expect(hex(encodeMessage("FetchRequest", 2, fetch))).toBe(fetchV2.replace(/ /g, ""));
  });

  it("refuse a non-default value when not ignorable, and accept the default", () => {
    const partition = { partition: 0, fetchOffset: 0n, partitionMaxBytes: 1, lastFetchedEpoch: 5 };
    const fetch = { maxWaitMs: 500, minBytes: 1, topics: [{ topic: "t", partitions: [partition] }] };
    expectEncodeError(() => encodeMessage("FetchRequest", 11, fetch), "non-default-field", "topics[0].partitions[0].lastFetchedEpoch");
    partition.lastFetchedEpoch = -1;
    expect(() => encodeMessage("FetchRequest", 11, fetch)).not.toThrow();
    expectEncodeError(() => encodeMessage("FetchRequest", 15, { ...fetch, replicaId: 5 }), "non-default-field", "replicaId");
  });
});

describe("values that cannot be written", () => {
  it("null where the version does not allow it", () => {
    expectEncodeError(() => encodeMessage("MetadataRequest", 0, { topics: null }), "null-not-allowed", "topics");
    const error = encodeError(() => encodeMessage("MetadataRequest", 0, { topics: null }));
    expect(error.message).toBe(
      "cannot encode MetadataRequest v0 field topics: null-not-allowed: null, but the field is not nullable at this version",
    );
  });

  it("strings over 32767 bytes", () => {
    const topics = [{ name: "é".repeat(16384) }];
    expectEncodeError(() => encodeMessage("MetadataRequest", 1, { topics }), "string-too-long", "topics[0].name");
  });

  it("wrong shapes", () => {
    expectEncodeError(() => encodeMessage("MetadataRequest", 1, { topics: "all" } as never), "invalid-value", "topics");
    expectEncodeError(() => encodeMessage("MetadataRequest", 1, { topics: [{ name: 7 }] } as never), "invalid-value", "topics[0].name");
    expectEncodeError(() => encodeMessage("MetadataRequest", 1, { topics: [null] } as never), "null-not-allowed", "topics[0]");
    expectEncodeError(() => encodeMessage("MetadataRequest", 1, null as never), "invalid-value");
  });

  it("versions outside validVersions", () => {
    expectEncodeError(() => encodeMessage("ProduceRequest", 12, produce(null)), "unsupported-version");
  });
});

describe("malformed bytes", () => {
  const metadata = (body: string) => () => decodeMessage("MetadataRequest", 1, bytes(body));

  it("lengths below -1", () => expectDecodeError(metadata("fffffffe"), "negative-length", "topics", 0));
  it("null where not nullable", () => expectDecodeError(() => decodeMessage("MetadataRequest", 0, bytes("ffffffff")), "unexpected-null", "topics"));
  it("a length past the end", () => expectDecodeError(metadata("00000001 000a 6162"), "over-long", "topics[0].name", 4));
  it("an element count past the end", () => expectDecodeError(metadata("7fffffff 0001"), "over-long", "topics"));
  it("a value cut short", () => expectDecodeError(() => decodeMessage("ProduceRequest", 3, bytes("ffff ffff 0000")), "truncated", "timeoutMs", 4));
  it("a varint of six bytes", () => expectDecodeError(() => decodeMessage("MetadataRequest", 9, bytes("ffffffffff01")), "invalid-varint", "topics"));
  it("a varint over 32 bits", () => expectDecodeError(() => decodeMessage("MetadataRequest", 9, bytes("ffffffff7f")), "invalid-varint", "topics"));
  it("a compact string over 32767 bytes", () => {
    expectDecodeError(() => decodeMessage("MetadataRequest", 9, bytes("02 82800200")), "string-too-long", "topics[0].name");
  });
  it("a tagged value shorter than its declared size", () => {
    const fetch = "ffffffff 000001f4 00000001 7fffffff 00 00000000 ffffffff 01 01 01";
    expectDecodeError(() => decodeMessage("FetchRequest", 12, bytes(fetch + "01 0003 0263 ff")), "tagged-field-size", "clusterId");
  });
  it("a tagged size past the end", () => {
    expectDecodeError(() => decodeMessage("ApiVersionsRequest", 3, bytes("01 01 01 07 05 aabb")), "over-long");
  });
  it("bytes after the end of the message", () => {
    expectDecodeError(() => decodeMessage("ApiVersionsRequest", 3, bytes("01 01 00 00")), "trailing-bytes", undefined, 3);
  });
});
