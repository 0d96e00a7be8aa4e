// The shape of the generated schema table (generated/schemas.ts) and the rules for reading it:
// version ranges and field defaults, exactly as Kafka's JSON message definitions state them.
import { ZERO_UUID } from "./uuid.ts";

/** A version range as written in the definitions: "0+", "3-7", "5" or "none". */
export type VersionRange = string;

/** Everything about a field beyond its name, type and versions; omitted keys mean "not set". */
export interface FieldOptions {
  readonly nullable?: VersionRange;
  readonly tag?: number;
  readonly tagged?: VersionRange;
  /** The default as written in the definition ("-1", "0x7fffffff", "null", "true"). */
  readonly default?: string;
  /** The field may be dropped silently when a version lacks it, even if it holds a non-default value. */
  readonly ignorable?: true;
  /** Overrides the message's flexibleVersions; only RequestHeader.ClientId uses it ("none"). */
  readonly flexible?: VersionRange;
  /** The fields of an inline struct type; absent for primitives and for common structs. */
  readonly fields?: readonly FieldSchema[];
}

/**
 * One field: its lowerCamelCase name, its type as written in the definition ("int32", "[]string",
 * "[]FetchTopic", "Cursor"), the versions it exists in, and the rest.
 */
export type FieldSchema = readonly [name: string, type: string, versions: VersionRange, options?: FieldOptions];

export type MessageKind = "request" | "response" | "header" | "data";

export interface MessageSchema {
  readonly name: string;
  readonly type: MessageKind;
  readonly apiKey?: number;
  readonly valid: VersionRange;
  /** latestVersionUnstable: the highest valid version may still change; Kafka does not serve it by default. */
  readonly unstable?: true;
  readonly flexible: VersionRange;
  readonly fields: readonly FieldSchema[];
  /** The message's commonStructs, referenced from fields by type name. */
  readonly structs?: Readonly<Record<string, readonly FieldSchema[]>>;
}

/** Inclusive bounds; an open-ended range ("3+") has max = Infinity, "none" has min > max. */
export interface Versions {
  readonly min: number;
  readonly max: number;
}

const NO_VERSIONS: Versions = { min: 1, max: 0 };

/** Parsed once per distinct range: the table has a few dozen, and the request path asks often. */
const parsed = new Map<string, Versions>();

export function parseVersions(range: VersionRange | undefined): Versions {
  if (range === undefined || range === "none") return NO_VERSIONS;
  let versions = parsed.get(range);
  if (versions === undefined) {
    const match = /^(\d+)(?:(\+)|-(\d+))?$/.exec(range);
    if (!match) throw new Error(`invalid version range "${range}"`);
    const min = Number(match[1]);
    versions = { min, max: match[2] ? Infinity : match[3] === undefined ? min : Number(match[3]) };
    parsed.set(range, versions);
  }
  return versions;
}

export function inVersions(range: VersionRange | undefined, version: number): boolean {
  const { min, max } = parseVersions(range);
  return version >= min && version <= max;
}

export const PRIMITIVE_TYPES = [
  "bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64",
  "string", "bytes", "records", "uuid",
] as const;
export type PrimitiveType = (typeof PRIMITIVE_TYPES)[number];

export function isPrimitiveType(type: string): type is PrimitiveType {
  return (PRIMITIVE_TYPES as readonly string[]).includes(type);
}

/**
 * The default of a primitive field as Kafka's generated code initialises it: 0, false, "", the
 * zero uuid, an empty byte array, null records, or the custom default of the definition.
 */
export function primitiveDefault(type: PrimitiveType, written: string | undefined): unknown {
  switch (type) {
    case "bool":
      return written === undefined ? false : written.toLowerCase() === "true";
    case "int8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32":
      return written === undefined ? 0 : parseInteger(written);
    case "int64":
      return written === undefined ? 0n : BigInt(written);
    case "float64":
      return written === undefined ? 0 : Number(written);
    case "string":
      return written === "null" ? null : (written ?? "");
    case "uuid":
      return written === undefined || written === "" ? ZERO_UUID : written;
    case "bytes":
      return written === "null" ? null : EMPTY_BYTES;
    case "records":
      return null;
  }
}

/** Shared because a zero-length Buffer cannot be mutated. */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

function parseInteger(written: string): number {
  const negative = written.startsWith("-");
  const digits = negative ? written.slice(1) : written;
  const value = digits.startsWith("0x") ? Number.parseInt(digits.slice(2), 16) : Number.parseInt(digits, 10);
  if (!Number.isFinite(value)) throw new Error(`invalid integer default "${written}"`);
  return negative ? -value : value;
}
