// The one generic reader/writer of Kafka messages, driven by the schema table: any message at any
// version, classic or flexible, with Kafka's rules for nulls, defaults, ignorable and tagged fields.
import { ByteReader, DecodeFault } from "./byte-reader.ts";
import { ByteWriter, EncodeFault } from "./byte-writer.ts";
import { ProtocolDecodeError, ProtocolEncodeError, type DecodeErrorDetails } from "./codec-errors.ts";
import { Kind, messagePlan, Mode, type FieldPlan, type StructPlan } from "./compile.ts";
import type { MessageTypes } from "./generated/messages.ts";
import { messageSchema } from "./registry.ts";
import type { MessageSchema } from "./schema.ts";
import { isUuid } from "./uuid.ts";

const MAX_STRING_BYTES = 0x7fff;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);
const EMPTY_STRUCT: Readonly<Record<string, unknown>> = Object.freeze({});

export type MessageName = keyof MessageTypes;

/** Encodes a whole message body (no size prefix, no header). */
export function encodeMessage<N extends MessageName>(name: N, version: number, value: MessageTypes[N]): Buffer {
  const writer = new ByteWriter();
  writeMessage(writer, schemaNamed(name), version, value);
  return writer.finish();
}

/** Decodes a whole message body; every byte must belong to it. Bytes fields are views of `data`. */
export function decodeMessage<N extends MessageName>(name: N, version: number, data: Buffer): MessageTypes[N] {
  const schema = schemaNamed(name);
  const reader = new ByteReader(data);
  const context = { apiKey: schema.apiKey, apiVersion: version };
  const value = readMessage(reader, schema, version, context);
  expectEnd(reader, schema, version, context);
  return value as MessageTypes[N];
}

function schemaNamed(name: string): MessageSchema {
  const schema = messageSchema(name);
  if (schema === undefined) throw new TypeError(`no message named ${name} in the schema table`);
  return schema;
}

/** Writes `value` as `schema` at `version`; throws ProtocolEncodeError when it cannot be represented. */
export function writeMessage(writer: ByteWriter, schema: MessageSchema, version: number, value: unknown): void {
  const plan = messagePlan(schema, version);
  if (plan === undefined) {
    throw new ProtocolEncodeError({
      reason: "unsupported-version",
      messageName: schema.name,
      version,
      detail: `valid versions are ${schema.valid}`,
    });
  }
  try {
    writeStruct(writer, plan, value);
  } catch (e) {
    if (!(e instanceof EncodeFault)) throw e;
    throw new ProtocolEncodeError({
      reason: e.reason,
      messageName: schema.name,
      version,
      field: formatPath(e.path),
      detail: e.detail,
    });
  }
}

/** Context of a decode failure the caller knows about: API key and version, client, header. */
export type DecodeContext = Omit<DecodeErrorDetails, "reason" | "offset" | "messageName" | "messageVersion">;

/** Reads one `schema` message at `version` from the reader's position; throws ProtocolDecodeError. */
export function readMessage(reader: ByteReader, schema: MessageSchema, version: number, context: DecodeContext): unknown {
  const plan = messagePlan(schema, version);
  if (plan === undefined) {
    throw new ProtocolDecodeError({
      ...context,
      messageName: schema.name,
      messageVersion: version,
      reason: "unsupported-version",
      offset: reader.pos,
      detail: `valid versions are ${schema.valid}`,
    });
  }
  try {
    return readStruct(reader, plan);
  } catch (e) {
    if (!(e instanceof DecodeFault)) throw e;
    throw new ProtocolDecodeError({
      ...context,
      messageName: schema.name,
      messageVersion: version,
      reason: e.reason,
      offset: e.offset,
      field: formatPath(e.path),
      detail: e.detail,
    });
  }
}

/** Refuses bytes left after a message that should have ended the frame. */
export function expectEnd(reader: ByteReader, schema: MessageSchema, version: number, context: DecodeContext): void {
  if (reader.remaining() === 0) return;
  throw new ProtocolDecodeError({
    ...context,
    messageName: schema.name,
    messageVersion: version,
    reason: "trailing-bytes",
    offset: reader.pos,
    detail: `${reader.remaining()} bytes after the end of the message`,
  });
}

function formatPath(path: readonly string[]): string | undefined {
  if (path.length === 0) return undefined;
  let out = "";
  for (const segment of path) out += segment.startsWith("[") || out === "" ? segment : `.${segment}`;
  return out;
}

function inField<T>(fault: T, segment: string): T {
  if (fault instanceof EncodeFault || fault instanceof DecodeFault) fault.path.unshift(segment);
  return fault;
}

// ---- writing ------------------------------------------------------------------------------------

function writeStruct(w: ByteWriter, plan: StructPlan, value: unknown): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EncodeFault("invalid-value", `expected a ${plan.name} object, got ${describe(value)}`);
  }
  const obj = value as Record<string, unknown>;
  const fields = plan.fields;
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      const f = fields[i];
      const v = obj[f.name];
      if (f.mode === Mode.inline) {
        writeField(w, f, v === undefined ? encodingDefault(f) : v);
      } else if (f.mode === Mode.absent && !f.ignorable && !isDefault(f, v)) {
        throw new EncodeFault("non-default-field", `${describe(v)} set, but the field does not exist at this version`);
      }
    }
  } catch (e) {
    throw inField(e, fields[i].name);
  }
  if (plan.flexible) writeTaggedFields(w, plan, obj);
}

function writeTaggedFields(w: ByteWriter, plan: StructPlan, obj: Record<string, unknown>): void {
  const tagged = plan.tagged;
  let count = 0;
  for (let i = 0; i < tagged.length; i++) if (!isDefault(tagged[i], obj[tagged[i].name])) count++;
  w.uvarint(count);
  if (count === 0) return;
  let i = 0;
  try {
    for (; i < tagged.length; i++) {
      const f = tagged[i];
      const v = obj[f.name];
      if (isDefault(f, v)) continue;
      w.uvarint(f.tag);
      const sizePos = w.beginSized();
      writeField(w, f, v);
      w.endSized(sizePos);
    }
  } catch (e) {
    throw inField(e, tagged[i].name);
  }
}

function writeField(w: ByteWriter, f: FieldPlan, v: unknown): void {
  switch (f.kind) {
    case Kind.bool:
      if (typeof v !== "boolean") throw invalid("a boolean", v);
      w.int8(v ? 1 : 0);
      return;
    case Kind.int8:
      if (((v as number) << 24) >> 24 !== v) throw invalid("an int8", v);
      w.int8(v as number);
      return;
    case Kind.int16:
      if (((v as number) << 16) >> 16 !== v) throw invalid("an int16", v);
      w.int16(v as number);
      return;
    case Kind.uint16:
      if (((v as number) & 0xffff) !== v) throw invalid("a uint16", v);
      w.uint16(v as number);
      return;
    case Kind.int32:
      if (((v as number) | 0) !== v) throw invalid("an int32", v);
      w.int32(v as number);
      return;
    case Kind.uint32:
      if ((v as number) >>> 0 !== v) throw invalid("a uint32", v);
      w.uint32(v as number);
      return;
    case Kind.int64:
      if (typeof v !== "bigint" || v < INT64_MIN || v > INT64_MAX) throw invalid("an int64 bigint", v);
      w.int64(v);
      return;
    case Kind.float64:
      if (typeof v !== "number") throw invalid("a float64 number", v);
      w.float64(v);
      return;
    case Kind.uuid:
      if (!isUuid(v)) throw invalid("a uuid (22 URL-safe base64 characters)", v);
      w.uuid(v);
      return;
    case Kind.string: {
      if (v === null) return writeNull(w, f);
      if (typeof v !== "string") throw invalid("a string", v);
      const n = Buffer.byteLength(v, "utf8");
      if (n > MAX_STRING_BYTES) throw new EncodeFault("string-too-long", `${n} bytes, at most ${MAX_STRING_BYTES}`);
      if (f.compact) w.uvarint(n + 1);
      else w.int16(n);
      w.utf8(v, n);
      return;
    }
    case Kind.bytes:
    case Kind.records:
      if (v === null) return writeNull(w, f);
      if (!(v instanceof Uint8Array)) throw invalid("a Buffer", v);
      if (f.compact) w.uvarint(v.length + 1);
      else w.int32(v.length);
      w.bytes(v);
      return;
    case Kind.struct:
      if (v === null) return writeNull(w, f);
      if (f.nullable) {
        if (f.mode === Mode.tagged) w.uvarint(1);
        else w.int8(1);
      }
      writeStruct(w, f.struct as StructPlan, v);
      return;
    case Kind.array: {
      if (v === null) return writeNull(w, f);
      if (!Array.isArray(v)) throw invalid("an array", v);
      if (f.compact) w.uvarint(v.length + 1);
      else w.int32(v.length);
      const element = f.element as FieldPlan;
      let i = 0;
      try {
        for (; i < v.length; i++) writeField(w, element, v[i]);
      } catch (e) {
        throw inField(e, `[${i}]`);
      }
      return;
    }
  }
}

function writeNull(w: ByteWriter, f: FieldPlan): void {
  if (!f.nullable) throw new EncodeFault("null-not-allowed", "null, but the field is not nullable at this version");
  if (f.kind === Kind.struct) {
    if (f.mode === Mode.tagged) w.uvarint(0);
    else w.int8(-1);
  } else if (f.compact) {
    w.uvarint(0);
  } else if (f.kind === Kind.string) {
    w.int16(-1);
  } else {
    w.int32(-1);
  }
}

/** What an omitted (undefined) field is written as: its default, like a fresh Kafka message object. */
function encodingDefault(f: FieldPlan): unknown {
  if (f.kind === Kind.array) return f.defaultIsNull ? null : EMPTY_ARRAY;
  if (f.kind === Kind.struct) return f.defaultIsNull ? null : EMPTY_STRUCT;
  return f.defaultValue;
}

/** Kafka's non-default test: tagged fields are written only when it fails, absent fields must pass it. */
function isDefault(f: FieldPlan, v: unknown): boolean {
  if (v === undefined) return true;
  if (f.defaultIsNull) return v === null;
  if (v === null) return false;
  switch (f.kind) {
    case Kind.array:
      return Array.isArray(v) && v.length === 0;
    case Kind.bytes:
    case Kind.records:
      return v instanceof Uint8Array && v.length === 0;
    case Kind.struct:
      return isDefaultStruct(f.struct as StructPlan, v);
    default:
      return v === f.defaultValue;
  }
}

function isDefaultStruct(plan: StructPlan, v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const obj = v as Record<string, unknown>;
  for (const f of plan.fields) if (!isDefault(f, obj[f.name])) return false;
  return true;
}

function invalid(expected: string, v: unknown): EncodeFault {
  return new EncodeFault("invalid-value", `expected ${expected}, got ${describe(v)}`);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return v.length > 40 ? `a string of ${v.length} characters` : JSON.stringify(v);
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "object") return "an object";
  return String(v);
}

// ---- reading ------------------------------------------------------------------------------------

function readStruct(r: ByteReader, plan: StructPlan): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const fields = plan.fields;
  let i = 0;
  try {
    for (; i < fields.length; i++) {
      const f = fields[i];
      obj[f.name] = f.mode === Mode.inline ? readField(r, f) : decodingDefault(f);
    }
  } catch (e) {
    throw inField(e, fields[i].name);
  }
  if (plan.flexible) readTaggedFields(r, plan, obj);
  return obj;
}

function readTaggedFields(r: ByteReader, plan: StructPlan, obj: Record<string, unknown>): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const sizeAt = r.pos;
    const size = r.uvarint();
    if (size > r.remaining()) {
      throw new DecodeFault("over-long", sizeAt, `tagged field ${tag} of ${size} bytes, ${r.remaining()} left`);
    }
    const f = plan.byTag.get(tag);
    if (f === undefined) {
      r.skip(size);
      continue;
    }
    const end = r.end;
    r.end = r.pos + size;
    try {
      obj[f.name] = readField(r, f);
    } catch (e) {
      throw inField(e, f.name);
    }
    if (r.pos !== r.end) {
      throw inField(new DecodeFault("tagged-field-size", r.pos, `${r.end - r.pos} of its ${size} bytes unread`), f.name);
    }
    r.end = end;
  }
}

/** Fresh arrays and structs: decoded messages are handed to code that may change them. */
function decodingDefault(f: FieldPlan): unknown {
  if (f.kind === Kind.array) return f.defaultIsNull ? null : [];
  if (f.kind === Kind.struct) return f.defaultIsNull ? null : defaultStruct(f.struct as StructPlan);
  return f.defaultValue;
}

function defaultStruct(plan: StructPlan): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const f of plan.fields) obj[f.name] = decodingDefault(f);
  return obj;
}

function readField(r: ByteReader, f: FieldPlan): unknown {
  switch (f.kind) {
    case Kind.bool:
      return r.int8() !== 0;
    case Kind.int8:
      return r.int8();
    case Kind.int16:
      return r.int16();
    case Kind.uint16:
      return r.uint16();
    case Kind.int32:
      return r.int32();
    case Kind.uint32:
      return r.uint32();
    case Kind.int64:
      return r.int64();
    case Kind.float64:
      return r.float64();
    case Kind.uuid:
      return r.uuid();
    case Kind.string: {
      const n = readLength(r, f);
      return n < 0 ? null : r.utf8(n);
    }
    case Kind.bytes:
    case Kind.records: {
      const n = readLength(r, f);
      return n < 0 ? null : r.bytes(n);
    }
    case Kind.struct: {
      if (f.nullable) {
        const isNull = f.mode === Mode.tagged ? r.uvarint() === 0 : r.int8() < 0;
        if (isNull) return null;
      }
      return readStruct(r, f.struct as StructPlan);
    }
    case Kind.array: {
      const n = readLength(r, f);
      if (n < 0) return null;
      const element = f.element as FieldPlan;
      const out = new Array<unknown>(n);
      let i = 0;
      try {
        for (; i < n; i++) out[i] = readField(r, element);
      } catch (e) {
        throw inField(e, `[${i}]`);
      }
      return out;
    }
  }
}

/**
 * A string, bytes or array length (an array's element count), or -1 for null. Like Kafka, a count
 * larger than the bytes left is rejected before anything is allocated for it.
 */
function readLength(r: ByteReader, f: FieldPlan): number {
  const at = r.pos;
  const n = f.compact ? r.uvarint() - 1 : f.kind === Kind.string ? r.int16() : r.int32();
  if (n < 0) {
    if (n < -1) throw new DecodeFault("negative-length", at, `length ${n}`);
    if (!f.nullable) throw new DecodeFault("unexpected-null", at, "null, but the field is not nullable at this version");
    return -1;
  }
  if (f.kind === Kind.string && n > MAX_STRING_BYTES) throw new DecodeFault("string-too-long", at, `${n} bytes`);
  if (n > r.remaining()) throw new DecodeFault("over-long", at, `length ${n}, ${r.remaining()} bytes left`);
  return n;
}
