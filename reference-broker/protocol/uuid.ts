// Kafka's Uuid as this codebase carries it: the 16 bytes in URL-safe base64 without padding, the
// same 22 characters Kafka prints for topic and cluster ids.
import { randomBytes } from "node:crypto";

export const ZERO_UUID = "AAAAAAAAAAAAAAAAAAAAAA";
/** Kafka reserves this id for the __cluster_metadata topic. */
export const METADATA_TOPIC_ID = "AAAAAAAAAAAAAAAAAAAAAQ";

/** 21 free characters, then one whose low 4 bits are padding and must be zero. */
const UUID_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** True for exactly the strings that decode to 16 bytes and encode back to themselves. */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}

/**
 * A random version-4 Uuid, redrawn like Kafka's Uuid.randomUuid() when it would be a reserved id or
 * start with "-" (which command-line tools would read as an option).
 */
export function randomUuid(): string {
  for (;;) {
    const bytes = randomBytes(16);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const id = bytes.toString("base64url");
    if (id !== ZERO_UUID && id !== METADATA_TOPIC_ID && !id.startsWith("-")) return id;
  }
}

export function uuidToBytes(id: string): Buffer {
  if (!isUuid(id)) throw new TypeError(`not a Kafka uuid: ${JSON.stringify(id)}`);
  return Buffer.from(id, "base64url");
}

export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new TypeError(`a uuid has 16 bytes, not ${bytes.length}`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString("base64url");
}
