// Lookups into the generated schema table: a message by name, and the request and response
// schemas of an API key.
import { MESSAGE_SCHEMAS } from "./generated/schemas.ts";
import type { MessageSchema } from "./schema.ts";

const byName = new Map<string, MessageSchema>(MESSAGE_SCHEMAS.map((m) => [m.name, m]));
const requests: MessageSchema[] = [];
const responses: MessageSchema[] = [];
for (const m of MESSAGE_SCHEMAS) {
  if (m.apiKey === undefined) continue;
  if (m.type === "request") requests[m.apiKey] = m;
  else if (m.type === "response") responses[m.apiKey] = m;
}

export function messageSchema(name: string): MessageSchema | undefined {
  return byName.get(name);
}

export function requestSchema(apiKey: number): MessageSchema | undefined {
  return Number.isInteger(apiKey) && apiKey >= 0 ? requests[apiKey] : undefined;
}

export function responseSchema(apiKey: number): MessageSchema | undefined {
  return Number.isInteger(apiKey) && apiKey >= 0 ? responses[apiKey] : undefined;
}

/** Every request schema, in API key order. */
export function requestSchemas(): readonly MessageSchema[] {
  return requests.filter((m) => m !== undefined);
}

function required(name: string): MessageSchema {
  const schema = byName.get(name);
  if (schema === undefined) throw new Error(`the schema table has no ${name}`);
  return schema;
}

export const REQUEST_HEADER: MessageSchema = required("RequestHeader");
export const RESPONSE_HEADER: MessageSchema = required("ResponseHeader");
