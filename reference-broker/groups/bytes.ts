// Big-endian readers and writers for Kafka's classic (non-flexible) encodings: int16-length strings,
// int32-length bytes and arrays. Used for the offsets topic records and the consumer protocol.
import { KconformError } from "../../harness/errors.ts";

/** Bytes that do not follow the expected layout. */
export class ByteFormatError extends KconformError {}

export class ByteWriter {
  private buffer = Buffer.alloc(64);
  private length = 0;

  /** Grows the buffer when needed; read `this.buffer` only after calling it. */
  private reserve(bytes: number): number {
    const at = this.length;
    if (at + bytes > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, at + bytes));
      this.buffer.copy(grown, 0, 0, at);
      this.buffer = grown;
    }
    this.length += bytes;
    return at;
  }

  int16(value: number): this {
    const at = this.reserve(2);
    this.buffer.writeInt16BE(value, at);
    return this;
  }

  int32(value: number): this {
    const at = this.reserve(4);
    this.buffer.writeInt32BE(value, at);
    return this;
  }

  int64(value: bigint): this {
    const at = this.reserve(8);
    this.buffer.writeBigInt64BE(value, at);
    return this;
  }

  string(value: string): this {
    const encoded = Buffer.from(value, "utf8");
    if (encoded.length > 0x7fff) {
      throw new ByteFormatError("string longer than an int16 length allows", "string-too-long", { length: encoded.length });
    }
    this.int16(encoded.length);
    const at = this.reserve(encoded.length);
    encoded.copy(this.buffer, at);
    return this;
  }

  nullableString(value: string | null): this {
    return value === null ? this.int16(-1) : this.string(value);
  }

  bytes(value: Uint8Array): this {
    this.int32(value.length);
    const at = this.reserve(value.length);
    this.buffer.set(value, at);
    return this;
  }

  toBytes(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }
}

export class ByteReader {
  private position = 0;
  private readonly view: Buffer;

  constructor(bytes: Uint8Array, private readonly what: string) {
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private take(bytes: number): number {
    if (bytes < 0 || this.position + bytes > this.view.length) {
      throw new ByteFormatError(`${this.what} ends early`, "truncated", {
        what: this.what,
        position: this.position,
        needed: bytes,
        length: this.view.length,
      });
    }
    const at = this.position;
    this.position += bytes;
    return at;
  }

  int16(): number {
    return this.view.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.view.readInt32BE(this.take(4));
  }

  int64(): bigint {
    return this.view.readBigInt64BE(this.take(8));
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new ByteFormatError(`${this.what} has a null string where none is allowed`, "null-string", { what: this.what });
    return value;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    const at = this.take(length);
    return this.view.toString("utf8", at, at + length);
  }

  /** A copy, so the result does not pin the bytes it was read from. */
  bytes(): Buffer {
    const length = this.int32();
    const at = this.take(length);
    return Buffer.from(this.view.subarray(at, at + length));
  }

  /** Reads an int32-counted array; a negative count (null array) is refused. */
  array<T>(readItem: () => T): T[] {
    const count = this.int32();
    if (count < 0) throw new ByteFormatError(`${this.what} has a null array`, "null-array", { what: this.what });
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(readItem());
    return items;
  }

  expectEnd(): void {
    if (this.position !== this.view.length) {
      throw new ByteFormatError(`${this.what} has trailing bytes`, "trailing-bytes", {
        what: this.what,
        position: this.position,
        length: this.view.length,
      });
    }
  }
}
