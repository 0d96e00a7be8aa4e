// fast-check arbitraries of valid messages, built from the schema table alone (not from the codec's
// plans, so the property tests do not check the codec against itself). Fields a version lacks hold
// their defaults, which is what decoding yields for them.
import fc from "fast-check";
import { inVersions, isPrimitiveType, primitiveDefault, type FieldSchema, type MessageSchema, type PrimitiveType } from "./schema.ts";

export interface MessageArbitraryOptions {
  /** Longest array generated, at every depth. */
  readonly maxArrayLength?: number;
  readonly maxStringLength?: number;
  readonly maxBytesLength?: number;
}

export function messageArbitrary(
  schema: MessageSchema,
  version: number,
  options: MessageArbitraryOptions = {},
): fc.Arbitrary<Record<string, unknown>> {
  const limits = { maxArrayLength: 2, maxStringLength: 6, maxBytesLength: 8, ...options };
  const flexible = inVersions(schema.flexible, version);

  const primitive = (type: PrimitiveType): fc.Arbitrary<unknown> => {
    switch (type) {
      case "bool":
        return fc.boolean();
      case "int8":
        return fc.integer({ min: -0x80, max: 0x7f });
      case "int16":
        return fc.integer({ min: -0x8000, max: 0x7fff });
      case "uint16":
        return fc.integer({ min: 0, max: 0xffff });
      case "int32":
        return fc.integer({ min: -0x80000000, max: 0x7fffffff });
      case "uint32":
        return fc.integer({ min: 0, max: 0xffffffff });
      case "int64":
        return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
      case "float64":
        return fc.double();
      case "string":
        return fc.string({ unit: "binary", maxLength: limits.maxStringLength });
      case "bytes":
      case "records":
        return fc.uint8Array({ maxLength: limits.maxBytesLength }).map((b) => Buffer.from(b));
      case "uuid":
        return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString("base64url"));
    }
  };

  const structFields = (fields: readonly FieldSchema[]): fc.Arbitrary<Record<string, unknown>> => {
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const field of fields) record[field[0]] = fieldArbitrary(field);
    return fc.record(record);
  };

  const nestedFields = (field: FieldSchema, struct: string): readonly FieldSchema[] => {
    const fields = field[3]?.fields ?? schema.structs?.[struct];
    if (fields === undefined) throw new Error(`${schema.name}: struct ${struct} is not defined`);
    return fields;
  };

  const fieldArbitrary = (field: FieldSchema): fc.Arbitrary<unknown> => {
    const [, type, versions, opts = {}] = field;
    if (!inVersions(versions, version)) return fc.constant(defaultValue(field));
    const isArray = type.startsWith("[]");
    const element = isArray ? type.slice(2) : type;
    const single = isPrimitiveType(element) ? primitive(element) : structFields(nestedFields(field, element));
    const value = isArray ? fc.array(single, { maxLength: limits.maxArrayLength }) : single;
    const tagged = flexible && inVersions(opts.tagged, version);
    // A tagged field left at its default is not written; generate that case often.
    const withDefault = tagged ? fc.oneof(value, fc.constant(defaultValue(field))) : value;
    return inVersions(opts.nullable, version) ? fc.option(withDefault, { nil: null, freq: 4 }) : withDefault;
  };

  /** What decoding yields for a field that is absent at this version or left out as a default tag. */
  const defaultValue = (field: FieldSchema): unknown => {
    const [, type, , opts = {}] = field;
    if (type.startsWith("[]")) return opts.default === "null" ? null : [];
    if (isPrimitiveType(type)) return primitiveDefault(type, opts.default);
    if (opts.default === "null") return null;
    const struct: Record<string, unknown> = {};
    for (const nested of nestedFields(field, type)) struct[nested[0]] = defaultValue(nested);
    return struct;
  };

  return structFields(schema.fields);
}
