// Bounds-checked big-endian reads over one frame. A read past the end raises a DecodeFault, a cheap
// internal signal that the codec's entry points turn into a ProtocolDecodeError with full context.
import type { DecodeReason } from "./codec-errors.ts";

/** Internal and stack-less on purpose: fuzzed input raises thousands of these per second. */
export class DecodeFault {
  /** Field names and [indices] from the outermost struct inwards, filled in while unwinding. */
  readonly path: string[] = [];
  constructor(
    readonly reason: DecodeReason,
    readonly offset: number,
    readonly detail?: string,
  ) {}
}

export class ByteReader {
  pos: number;
  /** Moved inwards while a tagged field is read, so its value cannot run past its declared size. */
  end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.end - this.pos < n) {
      throw new DecodeFault("truncated", this.pos, `needs ${n} bytes, ${this.end - this.pos} left`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Kafka's unsigned varint: at most 5 bytes and 32 bits. */
  uvarint(): number {
    const start = this.pos;
    let value = 0;
    let factor = 1;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new DecodeFault("truncated", this.pos, "inside a varint");
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * factor;
      if (b < 0x80) {
        if (value > 0xffffffff) throw new DecodeFault("invalid-varint", start, "more than 32 bits");
        return value;
      }
      factor *= 128;
    }
    throw new DecodeFault("invalid-varint", start, "longer than 5 bytes");
  }

  /** Kafka's Uuid in its string form: URL-safe base64 of the 16 bytes, unpadded. */
  uuid(): string {
    this.need(16);
    const v = this.buf.toString("base64url", this.pos, this.pos + 16);
    this.pos += 16;
    return v;
  }

  /** A view of the next n bytes (no copy); the caller has checked n against remaining(). */
  bytes(n: number): Buffer {
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Invalid UTF-8 becomes U+FFFD, as Java's new String(bytes, UTF_8) does. */
  utf8(n: number): string {
    const v = this.buf.toString("utf8", this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number): void {
    this.pos += n;
  }
}
