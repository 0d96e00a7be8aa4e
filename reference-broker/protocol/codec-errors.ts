// The two typed failures of the wire codec: bytes that are not a valid message (the broker closes
// that connection and logs why) and a value that cannot be written at the requested version.
import { KconformError } from "../../harness/errors.ts";
import type { RequestHeader } from "./generated/messages.ts";

export type DecodeReason =
  /** A frame's size prefix is negative or above the maximum request size. */
  | "frame-size"
  | "unknown-api-key"
  | "unsupported-version"
  /** The bytes ended inside a fixed-size value. */
  | "truncated"
  /** A length, count or tagged-field size larger than the bytes left. */
  | "over-long"
  /** A length below -1. */
  | "negative-length"
  /** A null (length -1) in a field that is not nullable at this version. */
  | "unexpected-null"
  | "invalid-varint"
  /** A string longer than 32767 bytes, which Kafka never writes. */
  | "string-too-long"
  /** A known tagged field whose value did not fill exactly its declared size. */
  | "tagged-field-size"
  /** Bytes left over after the message ended. */
  | "trailing-bytes";

export interface DecodeErrorDetails {
  readonly reason: DecodeReason;
  /** Byte offset in the decoded buffer (the frame without its size prefix) where it went wrong. */
  readonly offset: number;
  readonly apiKey?: number;
  readonly apiVersion?: number;
  /** Name and version of the message being decoded, e.g. "FetchRequest" 12 or "RequestHeader" 2. */
  readonly messageName?: string;
  readonly messageVersion?: number;
  /** Path of the field being read, e.g. "topics[0].partitions[2].records". */
  readonly field?: string;
  readonly correlationId?: number;
  readonly clientId?: string | null;
  /** The request header, when it was read before the failure (an ApiVersions request of an
   *  unsupported version is answered with a v0 error response, as Kafka does). */
  readonly header?: RequestHeader;
  readonly detail?: string;
}

export class ProtocolDecodeError extends KconformError {
  readonly reason: DecodeReason;
  readonly offset: number;
  readonly apiKey: number | undefined;
  readonly apiVersion: number | undefined;
  readonly field: string | undefined;
  readonly header: RequestHeader | undefined;

  constructor(details: DecodeErrorDetails) {
    const api = details.apiKey !== undefined ? `api key ${details.apiKey} v${details.apiVersion}` : undefined;
    const what = details.messageName
      ? `${details.messageName} v${details.messageVersion}${details.messageName.endsWith("Header") && api ? ` of ${api}` : ""}`
      : (api ?? "frame");
    const where = details.field ? ` reading ${details.field}` : "";
    const detail = details.detail ? ` (${details.detail})` : "";
    super(`cannot decode ${what}: ${details.reason} at offset ${details.offset}${where}${detail}`, "protocol-decode", {
      ...details,
    });
    this.reason = details.reason;
    this.offset = details.offset;
    this.apiKey = details.apiKey;
    this.apiVersion = details.apiVersion;
    this.field = details.field;
    this.header = details.header;
  }
}

export type EncodeReason =
  | "unknown-api-key"
  | "unsupported-version"
  /** null in a field that is not nullable at this version. */
  | "null-not-allowed"
  /** A non-default value in a field that does not exist at this version and is not ignorable. */
  | "non-default-field"
  /** A value of the wrong type or out of the type's range (an int16 of 40000, a 10-byte uuid). */
  | "invalid-value"
  /** A string longer than 32767 bytes. */
  | "string-too-long";

export interface EncodeErrorDetails {
  readonly reason: EncodeReason;
  readonly messageName: string;
  readonly version: number;
  readonly field?: string;
  readonly detail?: string;
}

export class ProtocolEncodeError extends KconformError {
  readonly reason: EncodeReason;
  readonly messageName: string;
  readonly version: number;
  readonly field: string | undefined;

  constructor(details: EncodeErrorDetails) {
    const where = details.field ? ` field ${details.field}` : "";
    const detail = details.detail ? `: ${details.detail}` : "";
    super(`cannot encode ${details.messageName} v${details.version}${where}: ${details.reason}${detail}`, "protocol-encode", {
      ...details,
    });
    this.reason = details.reason;
    this.messageName = details.messageName;
    this.version = details.version;
    this.field = details.field;
  }
}
