// Zig-zag varints as Kafka's records use them (ByteUtils.readVarint/readVarlong), over plain
// numbers: varlongs are exact for |v| < 2^52 (timestamp deltas are far smaller), int64 fields below 2^53.
import { InvalidRecordError } from "./errors.ts";

/** A read position over a byte range; every read is bounds-checked. */
export class ByteReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number = buf.length,
  ) {}

  remaining(): number {
    return this.end - this.pos;
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  varint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1);
      const b = this.buf[this.pos++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        const unsigned = result >>> 0;
        return (unsigned >>> 1) ^ -(unsigned & 1);
      }
    }
    throw new InvalidRecordError("varint is longer than 5 bytes", { position: this.pos });
  }

  varlong(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      this.need(1);
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) return result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    }
    throw new InvalidRecordError("varlong is longer than 10 bytes", { position: this.pos });
  }

  /** A view (no copy) of the next n bytes. */
  bytes(n: number): Buffer {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new InvalidRecordError("record data ends before the record does", { position: this.pos, wanted: n, end: this.end });
    }
  }
}

/** Appends to a growing buffer; the builder of record batches writes through it. */
export class ByteWriter {
  private buf: Buffer;
  length = 0;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.length++);
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.length);
    this.length += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.length);
    this.length += 4;
  }

  int64(v: number): void {
    this.ensure(8);
    writeInt64(this.buf, this.length, v);
    this.length += 8;
  }

  varint(v: number): void {
    let z = ((v << 1) ^ (v >> 31)) >>> 0;
    this.ensure(5);
    while (z >= 0x80) {
      this.buf[this.length++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    this.buf[this.length++] = z;
  }

  varlong(v: number): void {
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    this.ensure(10);
    while (z >= 0x80) {
      this.buf[this.length++] = (z % 128) | 0x80;
      z = Math.floor(z / 128);
    }
    this.buf[this.length++] = z;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** The bytes written so far (a view; valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}

/** A signed 64-bit big-endian integer as a number (exact below 2^53 in magnitude). */
export function readInt64(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * 0x1_0000_0000 + buf.readUInt32BE(offset + 4);
}

export function writeInt64(buf: Buffer, offset: number, value: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(high, offset);
  buf.writeUInt32BE(value - high * 0x1_0000_0000, offset + 4);
}
