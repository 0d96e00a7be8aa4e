// Kafka's API keys: the numbers and names of the generated table, with lookups both ways and the
// versions Kafka's definitions give for each (what this codec can read and write, not what is served).
import { ApiKey } from "./generated/messages.ts";
import { requestSchema } from "./registry.ts";
import { parseVersions, type Versions } from "./schema.ts";

export { ApiKey };

const nameOf = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

export function isApiKey(apiKey: number): apiKey is ApiKey {
  return nameOf.has(apiKey);
}

/** "Produce", "ApiVersions", ...; undefined for a number Kafka does not define. */
export function apiKeyName(apiKey: number): string | undefined {
  return nameOf.get(apiKey);
}

export function apiKeyByName(name: string): ApiKey | undefined {
  return Object.hasOwn(ApiKey, name) ? ApiKey[name as keyof typeof ApiKey] : undefined;
}

/** The request versions in Kafka's definitions (validVersions), e.g. { min: 0, max: 11 } for Produce. */
export function apiVersionRange(apiKey: number): Versions | undefined {
  const schema = requestSchema(apiKey);
  return schema === undefined ? undefined : parseVersions(schema.valid);
}
