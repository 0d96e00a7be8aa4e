// Turns Apache Kafka's JSON message definitions into the committed schema table and TypeScript
// types under ../generated. Run: node --import tsx reference-broker/protocol/generator/generate.ts [specDir]
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  isPrimitiveType,
  parseVersions,
  type FieldOptions,
  type FieldSchema,
  type MessageKind,
  type MessageSchema,
  type PrimitiveType,
  type Versions,
} from "../schema.ts";

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, "../../..");
export const DEFAULT_SPEC_DIR = resolve(REPO_ROOT, "../shared/kafka-message-specs");
export const GENERATED_DIR = resolve(here, "../generated");

/** Thrown when a definition uses something the table cannot express. */
export class SpecError extends Error {
  constructor(file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = "SpecError";
  }
}

interface JsonField {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  ignorable?: boolean;
  flexibleVersions?: string;
  fields?: JsonField[];
}

interface JsonMessage {
  name: string;
  type: MessageKind;
  apiKey?: number;
  validVersions: string;
  latestVersionUnstable?: boolean;
  flexibleVersions: string;
  fields: JsonField[];
  commonStructs?: { name: string; fields: JsonField[] }[];
}

/** The definitions are JSON with `//` line comments, which may not start inside a string. */
export function stripLineComments(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else {
      out += c;
    }
  }
  return out;
}

/** Kafka's camelCaseName(): the first letter lowered, nothing else touched. */
export function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function convertField(file: string, field: JsonField): FieldSchema {
  const options: { -readonly [K in keyof FieldOptions]: FieldOptions[K] } = {};
  if (field.nullableVersions !== undefined && field.nullableVersions !== "none") options.nullable = field.nullableVersions;
  if (field.tag !== undefined) options.tag = field.tag;
  if (field.taggedVersions !== undefined) options.tagged = field.taggedVersions;
  if (field.default !== undefined) options.default = String(field.default);
  if (field.ignorable === true) options.ignorable = true;
  if (field.flexibleVersions !== undefined) options.flexible = field.flexibleVersions;
  if (field.fields !== undefined) options.fields = field.fields.map((f) => convertField(file, f));
  if ((options.tag === undefined) !== (options.tagged === undefined)) {
    throw new SpecError(file, `field ${field.name} needs both tag and taggedVersions`);
  }
  parseVersions(field.versions);
  const name = lowerCamel(field.name);
  return Object.keys(options).length === 0 ? [name, field.type, field.versions] : [name, field.type, field.versions, options];
}

function convertMessage(file: string, json: JsonMessage): MessageSchema {
  const structs: Record<string, readonly FieldSchema[]> = {};
  for (const common of json.commonStructs ?? []) structs[common.name] = common.fields.map((f) => convertField(file, f));
  const message: MessageSchema = {
    name: json.name,
    type: json.type,
    ...(json.apiKey === undefined ? {} : { apiKey: json.apiKey }),
    valid: json.validVersions,
    ...(json.latestVersionUnstable === true ? { unstable: true as const } : {}),
    flexible: json.flexibleVersions,
    fields: json.fields.map((f) => convertField(file, f)),
    ...(json.commonStructs === undefined ? {} : { structs }),
  };
  checkTypes(file, message, message.fields);
  return message;
}

function structName(type: string): string | undefined {
  const element = type.startsWith("[]") ? type.slice(2) : type;
  return isPrimitiveType(element) ? undefined : element;
}

/** As in Kafka's generator: only variable-length types and structs can be null. */
const NULLABLE_PRIMITIVES = new Set(["string", "bytes", "records"]);

function checkTypes(file: string, message: MessageSchema, fields: readonly FieldSchema[]): void {
  for (const [name, type, , options] of fields) {
    const struct = structName(type);
    if (options?.nullable !== undefined && !type.startsWith("[]") && struct === undefined && !NULLABLE_PRIMITIVES.has(type)) {
      throw new SpecError(file, `field ${name}: type ${type} cannot be nullable`);
    }
    if (struct === undefined) {
      if (type === "[]records") throw new SpecError(file, `field ${name}: arrays of records are not supported`);
      continue;
    }
    if (!/^[A-Z]\w*$/.test(struct)) throw new SpecError(file, `field ${name}: unknown type ${type}`);
    const nested = options?.fields ?? message.structs?.[struct];
    if (nested === undefined) throw new SpecError(file, `field ${name}: struct ${struct} has no fields and is not a common struct`);
    checkTypes(file, message, nested);
  }
}

const KIND_ORDER: Record<MessageKind, number> = { request: 0, response: 1, header: 2, data: 3 };

function compareMessages(a: MessageSchema, b: MessageSchema): number {
  const byKey = (a.apiKey ?? 1e9) - (b.apiKey ?? 1e9);
  if (byKey !== 0) return byKey;
  const byKind = KIND_ORDER[a.type] - KIND_ORDER[b.type];
  return byKind !== 0 ? byKind : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function loadSpecs(specDir: string): MessageSchema[] {
  const files = readdirSync(specDir).filter((f) => f.endsWith(".json")).sort();
  const messages = files.map((file) => {
    const json = JSON.parse(stripLineComments(readFileSync(join(specDir, file), "utf8"))) as JsonMessage;
    return convertMessage(file, json);
  });
  return messages.sort(compareMessages);
}

// ---- schemas.ts -------------------------------------------------------------------------------

function renderOptions(options: FieldOptions, indent: string): string {
  const parts: string[] = [];
  if (options.nullable !== undefined) parts.push(`nullable: ${JSON.stringify(options.nullable)}`);
  if (options.tag !== undefined) parts.push(`tag: ${options.tag}`);
  if (options.tagged !== undefined) parts.push(`tagged: ${JSON.stringify(options.tagged)}`);
  if (options.default !== undefined) parts.push(`default: ${JSON.stringify(options.default)}`);
  if (options.ignorable) parts.push("ignorable: true");
  if (options.flexible !== undefined) parts.push(`flexible: ${JSON.stringify(options.flexible)}`);
  if (options.fields !== undefined) parts.push(`fields: ${renderFields(options.fields, indent)}`);
  return `{ ${parts.join(", ")} }`;
}

function renderFields(fields: readonly FieldSchema[], indent: string): string {
  const inner = indent + "  ";
  const lines = fields.map(([name, type, versions, options]) => {
    const head = `${JSON.stringify(name)}, ${JSON.stringify(type)}, ${JSON.stringify(versions)}`;
    return `${inner}[${head}${options ? `, ${renderOptions(options, inner)}` : ""}],`;
  });
  return `[\n${lines.join("\n")}\n${indent}]`;
}

export function renderSchemas(messages: readonly MessageSchema[]): string {
  const out = [
    "// Generated by reference-broker/protocol/generator/generate.ts from Apache Kafka's JSON message",
    "// definitions (Apache License 2.0); do not edit. One entry per message, fields with version ranges.",
    'import type { MessageSchema } from "../schema.ts";',
    "",
    "export const MESSAGE_SCHEMAS: readonly MessageSchema[] = [",
  ];
  for (const m of messages) {
    const head = [`name: ${JSON.stringify(m.name)}`, `type: ${JSON.stringify(m.type)}`];
    if (m.apiKey !== undefined) head.push(`apiKey: ${m.apiKey}`);
    head.push(`valid: ${JSON.stringify(m.valid)}`);
    if (m.unstable) head.push("unstable: true");
    head.push(`flexible: ${JSON.stringify(m.flexible)}`);
    out.push(`  { ${head.join(", ")},`);
    out.push(`    fields: ${renderFields(m.fields, "    ")},`);
    if (m.structs !== undefined) {
      out.push("    structs: {");
      for (const [name, fields] of Object.entries(m.structs)) out.push(`      ${name}: ${renderFields(fields, "      ")},`);
      out.push("    },");
    }
    out.push("  },");
  }
  out.push("];", "");
  return out.join("\n");
}

// ---- messages.ts ------------------------------------------------------------------------------

const TS_PRIMITIVE: Record<PrimitiveType, string> = {
  bool: "boolean",
  int8: "number",
  int16: "number",
  uint16: "number",
  int32: "number",
  uint32: "number",
  int64: "bigint",
  float64: "number",
  string: "string",
  bytes: "Buffer",
  records: "Buffer",
  uuid: "string",
};

function intersect(a: Versions, b: Versions): Versions {
  return { min: Math.max(a.min, b.min), max: Math.min(a.max, b.max) };
}

function isEmpty(v: Versions): boolean {
  return v.min > v.max;
}

function covers(outer: Versions, inner: Versions): boolean {
  return isEmpty(inner) || (outer.min <= inner.min && outer.max >= inner.max);
}

/** Struct types share one namespace in TypeScript, so they are prefixed with their message's name. */
export function interfaceName(message: string, struct: string): string {
  return struct.startsWith(message) ? struct : message + struct;
}

export function apiName(requestName: string): string {
  return requestName.replace(/Request$/, "");
}

function renderTypesOf(message: MessageSchema, out: string[], defined: Map<string, string>): void {
  const visit = (name: string, fields: readonly FieldSchema[], versions: Versions, doc: string): void => {
    const body: string[] = doc === "" ? [`export interface ${name} {`] : [`/** ${doc} */`, `export interface ${name} {`];
    const pending: [string, readonly FieldSchema[], Versions, string][] = [];
    for (const [fieldName, type, fieldRange, options] of fields) {
      const fieldVersions = intersect(parseVersions(fieldRange), versions);
      const isArray = type.startsWith("[]");
      const element = isArray ? type.slice(2) : type;
      let tsType: string;
      if (isPrimitiveType(element)) {
        tsType = TS_PRIMITIVE[element];
      } else {
        tsType = interfaceName(message.name, element);
        const nested = options?.fields ?? message.structs?.[element];
        if (nested === undefined) throw new SpecError(message.name, `struct ${element} not found`);
        // A common struct is shared by fields of different versions, so it is typed for all of them.
        const structVersions = options?.fields ? fieldVersions : parseVersions(message.valid);
        pending.push([tsType, nested, structVersions, ""]);
      }
      if (isArray) tsType += "[]";
      if (!isEmpty(intersect(parseVersions(options?.nullable), fieldVersions))) tsType += " | null";
      const tagged = options?.tagged !== undefined;
      const optional = tagged || !covers(fieldVersions, versions);
      const notes: string[] = [];
      if (tagged) notes.push(`tagged v${options?.tagged}${options?.tagged === fieldRange ? "" : `, exists v${fieldRange}`}`);
      else if (!covers(fieldVersions, versions)) notes.push(`v${fieldRange}`);
      body.push(`  ${fieldName}${optional ? "?" : ""}: ${tsType};${notes.length ? ` // ${notes.join(", ")}` : ""}`);
    }
    body.push("}");
    const text = body.slice(doc === "" ? 0 : 1).join("\n");
    const previous = defined.get(name);
    if (previous !== undefined) {
      if (previous !== text) throw new SpecError(message.name, `two different structs are both named ${name}`);
      return;
    }
    defined.set(name, text);
    out.push("", ...body);
    for (const [nestedName, nestedFields, nestedVersions, nestedDoc] of pending) visit(nestedName, nestedFields, nestedVersions, nestedDoc);
  };
  const flexible = message.flexible === "none" ? "" : `, flexible ${message.flexible}`;
  const key = message.apiKey === undefined ? "" : `api key ${message.apiKey}, `;
  visit(message.name, message.fields, parseVersions(message.valid), `${message.name}: ${key}versions ${message.valid}${flexible}.`);
}

export function renderTypes(messages: readonly MessageSchema[]): string {
  const out = [
    "// Generated by reference-broker/protocol/generator/generate.ts from Apache Kafka's JSON message",
    "// definitions (Apache License 2.0); do not edit. int64 is bigint, uuid is Kafka's base64 string form.",
    "",
    "/** Kafka's API keys by name (the request's name without \"Request\"). */",
    "export const ApiKey = {",
  ];
  const requests = messages.filter((m) => m.type === "request");
  const responses = messages.filter((m) => m.type === "response");
  for (const m of requests) out.push(`  ${apiName(m.name)}: ${m.apiKey},`);
  out.push("} as const;", "export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];");
  out.push("", "/** The request body type of each API key. */", "export interface RequestBodies {");
  for (const m of requests) out.push(`  ${m.apiKey}: ${m.name};`);
  out.push("}", "", "/** The response body type of each API key. */", "export interface ResponseBodies {");
  for (const m of responses) out.push(`  ${m.apiKey}: ${m.name};`);
  out.push("}", "", "/** Every message of the table by name: requests, responses, headers and data. */", "export interface MessageTypes {");
  for (const m of messages) out.push(`  ${m.name}: ${m.name};`);
  out.push("}");
  const defined = new Map<string, string>();
  for (const m of messages) renderTypesOf(m, out, defined);
  out.push("");
  return out.join("\n");
}

export function generate(specDir: string): { "schemas.ts": string; "messages.ts": string } {
  const messages = loadSpecs(specDir);
  return { "schemas.ts": renderSchemas(messages), "messages.ts": renderTypes(messages) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const specDir = resolve(process.argv[2] ?? DEFAULT_SPEC_DIR);
  for (const [file, text] of Object.entries(generate(specDir))) {
    writeFileSync(join(GENERATED_DIR, file), text);
    console.log(`wrote ${join(GENERATED_DIR, file)} (${text.split("\n").length - 1} lines, ${Buffer.byteLength(text)} bytes)`);
  }
}
