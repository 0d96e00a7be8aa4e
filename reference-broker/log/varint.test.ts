// Zig-zag varints against Kafka's known encodings, round trips, and truncated input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidRecordError } from "./errors.ts";
import { ByteReader, ByteWriter, readInt64, writeInt64 } from "./varint.ts";

function encodeVarint(v: number): string {
  const w = new ByteWriter(1);
  w.varint(v);
  return w.view().toString("hex");
}

function encodeVarlong(v: number): string {
  const w = new ByteWriter(1);
  w.varlong(v);
  return w.view().toString("hex");
}

describe("varints", () => {
  it("encode as Kafka's ByteUtils does", () => {
    expect(encodeVarint(0)).toBe("00");
    expect(encodeVarint(-1)).toBe("01");
    expect(encodeVarint(1)).toBe("02");
    expect(encodeVarint(63)).toBe("7e");
    expect(encodeVarint(-64)).toBe("7f");
    expect(encodeVarint(64)).toBe("8001");
    expect(encodeVarint(300)).toBe("d804");
    expect(encodeVarint(2147483647)).toBe("feffffff0f");
    expect(encodeVarint(-2147483648)).toBe("ffffffff0f");
    expect(encodeVarlong(-1)).toBe("01");
    expect(encodeVarlong(1700000000000)).toBe("80a0abfef962");
  });

  it("round-trip int32 and safe-integer varlongs", () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), (i, l) => {
        const w = new ByteWriter(1);
        w.varint(i);
        w.varlong(l);
        w.varlong(0 - l);
        const r = new ByteReader(Buffer.from(w.view()), 0);
        expect(r.varint()).toBe(i);
        expect(r.varlong()).toBe(l);
        expect(r.varlong()).toBe(0 - l);
        expect(r.remaining()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("refuse input that ends early or runs too long", () => {
    expect(() => new ByteReader(Buffer.from("80", "hex"), 0).varint()).toThrow(InvalidRecordError);
    expect(() => new ByteReader(Buffer.from("ffffffffff01", "hex"), 0).varint()).toThrow(InvalidRecordError);
    expect(() => new ByteReader(Buffer.from("ffffffffffffffffffff01", "hex"), 0).varlong()).toThrow(InvalidRecordError);
    expect(() => new ByteReader(Buffer.from("00", "hex"), 0).bytes(2)).toThrow(InvalidRecordError);
  });
});

describe("int64", () => {
  it("round-trips safe integers, negatives included", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (v) => {
        const buf = Buffer.alloc(8);
        writeInt64(buf, 0, v);
        expect(buf.readBigInt64BE(0)).toBe(BigInt(v));
        expect(readInt64(buf, 0)).toBe(v);
      }),
      { numRuns: 300 },
    );
  });
});
