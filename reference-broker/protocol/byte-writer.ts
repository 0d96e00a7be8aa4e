// A growing big-endian buffer: one allocation per doubling instead of one Buffer per field, so the
// produce and fetch paths write a whole response without concatenating.
import type { EncodeReason } from "./codec-errors.ts";

/** Internal and stack-less, like DecodeFault; the codec's entry points make it a ProtocolEncodeError. */
export class EncodeFault {
  readonly path: string[] = [];
  constructor(
    readonly reason: EncodeReason,
    readonly detail: string,
  ) {}
}

export function uvarintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  uvarint(v: number): void {
    this.ensure(5);
    this.pos = writeUvarintAt(this.buf, this.pos, v);
  }

  /** The caller has validated the string form (22 URL-safe base64 characters). */
  uuid(v: string): void {
    this.ensure(16);
    this.buf.write(v, this.pos, 16, "base64url");
    this.pos += 16;
  }

  bytes(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** byteLength is Buffer.byteLength(v), which the caller needed for the length prefix anyway. */
  utf8(v: string, byteLength: number): void {
    this.ensure(byteLength);
    this.buf.write(v, this.pos, byteLength, "utf8");
    this.pos += byteLength;
  }

  /**
   * Reserves one byte for the unsigned-varint size of what follows (a tagged field's value); pass
   * the returned position to endSized once the value is written.
   */
  beginSized(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Fills in the size; the rare value of 128 bytes or more is moved right to make room. */
  endSized(sizePos: number): void {
    const size = this.pos - sizePos - 1;
    const extra = uvarintSize(size) - 1;
    if (extra > 0) {
      this.ensure(extra);
      this.buf.copyWithin(sizePos + 1 + extra, sizePos + 1, this.pos);
      this.pos += extra;
    }
    writeUvarintAt(this.buf, sizePos, size);
  }

  /** The bytes written so far; a view, not a copy. */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function writeUvarintAt(buf: Buffer, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}
