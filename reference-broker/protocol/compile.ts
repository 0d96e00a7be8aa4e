// Resolves a message of the schema table at one version into a plan the codec walks without
// further lookups: per field, whether it is written inline, as a tagged field, or not at all, and how.
import {
  inVersions,
  isPrimitiveType,
  primitiveDefault,
  type FieldSchema,
  type MessageSchema,
} from "./schema.ts";

export const Kind = {
  bool: 0,
  int8: 1,
  int16: 2,
  uint16: 3,
  int32: 4,
  uint32: 5,
  int64: 6,
  float64: 7,
  string: 8,
  bytes: 9,
  records: 10,
  uuid: 11,
  struct: 12,
  array: 13,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export const Mode = { inline: 0, tagged: 1, absent: 2 } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

export interface FieldPlan {
  readonly name: string;
  readonly mode: Mode;
  readonly kind: Kind;
  /** The element of an array field, itself a plan (never nullable, never tagged). */
  readonly element: FieldPlan | undefined;
  /** The struct of a struct field or of a struct array's element. */
  readonly struct: StructPlan | undefined;
  readonly nullable: boolean;
  /** Compact (varint-prefixed) strings, bytes and arrays. */
  readonly compact: boolean;
  readonly tag: number;
  /** The default of primitives; for arrays and structs see defaultIsNull. */
  readonly defaultValue: unknown;
  readonly defaultIsNull: boolean;
  readonly ignorable: boolean;
}

export interface StructPlan {
  readonly name: string;
  /** In definition order, which is the order on the wire and of the decoded object's keys. */
  readonly fields: readonly FieldPlan[];
  /** Tagged fields sorted by tag, the order Kafka writes them in. */
  readonly tagged: readonly FieldPlan[];
  readonly byTag: ReadonlyMap<number, FieldPlan>;
  readonly flexible: boolean;
}

const plans = new WeakMap<MessageSchema, Map<number, StructPlan>>();

/** The plan of a message at a version, or undefined when the version is not in its validVersions. */
export function messagePlan(message: MessageSchema, version: number): StructPlan | undefined {
  let byVersion = plans.get(message);
  if (byVersion === undefined) plans.set(message, (byVersion = new Map()));
  let plan = byVersion.get(version);
  if (plan === undefined) {
    if (!Number.isInteger(version) || !inVersions(message.valid, version)) return undefined;
    plan = compileStruct(message, message.name, message.fields, version, inVersions(message.flexible, version));
    byVersion.set(version, plan);
  }
  return plan;
}

function compileStruct(
  message: MessageSchema,
  name: string,
  fields: readonly FieldSchema[],
  version: number,
  flexible: boolean,
): StructPlan {
  const planned = fields.map((field) => compileField(message, field, version, flexible));
  const tagged = planned.filter((f) => f.mode === Mode.tagged).sort((a, b) => a.tag - b.tag);
  return { name, fields: planned, tagged, byTag: new Map(tagged.map((f) => [f.tag, f])), flexible };
}

function compileField(message: MessageSchema, field: FieldSchema, version: number, flexible: boolean): FieldPlan {
  const [name, type, versions, options = {}] = field;
  const present = inVersions(versions, version);
  const tagged = present && flexible && inVersions(options.tagged, version);
  const mode = tagged ? Mode.tagged : present ? Mode.inline : Mode.absent;
  // Tagged fields are always in the flexible encoding; ClientId opts out of it with "flexible".
  const compact = tagged || inVersions(options.flexible ?? message.flexible, version);
  const nullable = inVersions(options.nullable, version);
  const ignorable = options.ignorable === true;
  const tag = options.tag ?? -1;
  const isArray = type.startsWith("[]");
  const elementType = isArray ? type.slice(2) : type;
  let kind: Kind;
  let struct: StructPlan | undefined;
  let defaultValue: unknown;
  if (isPrimitiveType(elementType)) {
    kind = Kind[elementType];
    defaultValue = isArray ? undefined : primitiveDefault(elementType, options.default);
  } else {
    const nested = options.fields ?? message.structs?.[elementType];
    if (nested === undefined) throw new Error(`${message.name}: struct ${elementType} is not defined`);
    kind = Kind.struct;
    struct = compileStruct(message, elementType, nested, version, flexible);
  }
  if (!isArray) {
    const defaultIsNull = kind === Kind.struct ? options.default === "null" : defaultValue === null;
    return plan(name, mode, kind, undefined, struct, nullable, compact, tag, defaultValue, defaultIsNull, ignorable);
  }
  const element = plan("", Mode.inline, kind, undefined, struct, false, compact, -1, undefined, false, false);
  return plan(name, mode, Kind.array, element, undefined, nullable, compact, tag, undefined, options.default === "null", ignorable);
}

/** One constructor, so every plan has the same shape and the codec's property reads stay monomorphic. */
function plan(
  name: string,
  mode: Mode,
  kind: Kind,
  element: FieldPlan | undefined,
  struct: StructPlan | undefined,
  nullable: boolean,
  compact: boolean,
  tag: number,
  defaultValue: unknown,
  defaultIsNull: boolean,
  ignorable: boolean,
): FieldPlan {
  return { name, mode, kind, element, struct, nullable, compact, tag, defaultValue, defaultIsNull, ignorable };
}
