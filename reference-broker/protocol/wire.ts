// Whole requests and responses as they travel: the size prefix, the request header (v0-v2) or
// response header (v0-v1) each API version takes, then the body. The broker and test clients use it.
import { ByteReader } from "./byte-reader.ts";
import { ByteWriter } from "./byte-writer.ts";
import { expectEnd, readMessage, writeMessage } from "./codec.ts";
import { ProtocolDecodeError, ProtocolEncodeError } from "./codec-errors.ts";
import { ApiKey, type RequestBodies, type RequestHeader, type ResponseBodies } from "./generated/messages.ts";
import { REQUEST_HEADER, requestSchema, RESPONSE_HEADER, responseSchema } from "./registry.ts";
import { inVersions, type MessageSchema } from "./schema.ts";

export type RequestApiKey = keyof RequestBodies & number;

/** A decoded request, discriminated by apiKey so a switch narrows `body` to that API's type. */
export type DecodedRequest = {
  [K in RequestApiKey]: {
    readonly apiKey: K;
    readonly apiVersion: number;
    readonly correlationId: number;
    readonly clientId: string | null;
    readonly header: RequestHeader;
    readonly body: RequestBodies[K];
  };
}[RequestApiKey];

/**
 * Flexible request versions use header v2 (tagged fields), the others v1. Only ControlledShutdown
 * v0 uses v0, which has no client id. Versions beyond the definitions follow the open-ended range,
 * so the header of a too-new ApiVersions request can still be read.
 */
export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return inVersions(schemaOf(requestSchema(apiKey), apiKey).flexible, apiVersion) ? 2 : 1;
}

/** Flexible response versions use header v1, except ApiVersions: always v0, so any client can read it. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return inVersions(schemaOf(responseSchema(apiKey), apiKey).flexible, apiVersion) ? 1 : 0;
}

function schemaOf(schema: MessageSchema | undefined, apiKey: number): MessageSchema {
  if (schema === undefined) throw new RangeError(`unknown API key ${apiKey}`);
  return schema;
}

/**
 * Reads the request header of a frame (without its size prefix). Throws ProtocolDecodeError for an
 * unknown API key or a malformed header; the body's version is not checked here.
 */
export function decodeRequestHeader(frame: Buffer): { header: RequestHeader; headerVersion: 0 | 1 | 2; bodyOffset: number } {
  if (frame.length < 4) {
    throw new ProtocolDecodeError({ reason: "truncated", offset: frame.length, detail: "no room for api key and version" });
  }
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  if (requestSchema(apiKey) === undefined) {
    throw new ProtocolDecodeError({ ...unknownKeyContext(frame), reason: "unknown-api-key", offset: 0, apiKey, apiVersion });
  }
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const reader = new ByteReader(frame);
  const header = readMessage(reader, REQUEST_HEADER, headerVersion, { apiKey, apiVersion }) as RequestHeader;
  return { header, headerVersion, bodyOffset: reader.pos };
}

/** For the log line about an unknown API key: the correlation and client id, if they are there. */
function unknownKeyContext(frame: Buffer): { correlationId?: number; clientId?: string | null } {
  if (frame.length < 8) return {};
  const correlationId = frame.readInt32BE(4);
  const clientIdLength = frame.length >= 10 ? frame.readInt16BE(8) : -2;
  if (clientIdLength === -1) return { correlationId, clientId: null };
  if (clientIdLength < 0 || 10 + clientIdLength > frame.length) return { correlationId };
  return { correlationId, clientId: frame.toString("utf8", 10, 10 + clientIdLength) };
}

/**
 * Decodes one request frame (without its size prefix). Anything malformed throws a
 * ProtocolDecodeError carrying the API key, version, offset and reason; a version outside the
 * definitions' validVersions throws reason "unsupported-version" with the header attached.
 * Bytes and records fields are views of `frame`, not copies.
 */
export function decodeRequest(frame: Buffer): DecodedRequest {
  const { header, bodyOffset } = decodeRequestHeader(frame);
  const apiKey = header.requestApiKey;
  const apiVersion = header.requestApiVersion;
  const schema = requestSchema(apiKey) as MessageSchema;
  const clientId = header.clientId ?? null;
  const context = { apiKey, apiVersion, correlationId: header.correlationId, clientId, header };
  const reader = new ByteReader(frame, bodyOffset);
  const body = readMessage(reader, schema, apiVersion, context);
  expectEnd(reader, schema, apiVersion, context);
  return { apiKey, apiVersion, correlationId: header.correlationId, clientId, header, body } as DecodedRequest;
}

/** A size-prefixed request frame, as a client sends it. */
export function encodeRequest<K extends RequestApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  clientId: string | null,
  body: RequestBodies[K],
): Buffer {
  const schema = encodableSchema(requestSchema(apiKey), apiKey, "request");
  const header: RequestHeader = { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId };
  return frame(REQUEST_HEADER, requestHeaderVersion(apiKey, apiVersion), header, schema, apiVersion, body);
}

/** A size-prefixed response frame, as the broker sends it. */
export function encodeResponse<K extends RequestApiKey>(
  apiKey: K,
  apiVersion: number,
  correlationId: number,
  body: ResponseBodies[K],
): Buffer {
  const schema = encodableSchema(responseSchema(apiKey), apiKey, "response");
  const header = { correlationId };
  return frame(RESPONSE_HEADER, responseHeaderVersion(apiKey, apiVersion), header, schema, apiVersion, body);
}

/** Decodes a response frame (without its size prefix) to a request of apiKey at apiVersion. */
export function decodeResponse<K extends RequestApiKey>(
  apiKey: K,
  apiVersion: number,
  frame: Buffer,
): { correlationId: number; body: ResponseBodies[K] } {
  const schema = responseSchema(apiKey);
  if (schema === undefined) {
    throw new ProtocolDecodeError({ reason: "unknown-api-key", offset: 0, apiKey, apiVersion });
  }
  const reader = new ByteReader(frame);
  const headerVersion = responseHeaderVersion(apiKey, apiVersion);
  const { correlationId } = readMessage(reader, RESPONSE_HEADER, headerVersion, { apiKey, apiVersion }) as {
    correlationId: number;
  };
  const context = { apiKey, apiVersion, correlationId };
  const body = readMessage(reader, schema, apiVersion, context) as ResponseBodies[K];
  expectEnd(reader, schema, apiVersion, context);
  return { correlationId, body };
}

function encodableSchema(schema: MessageSchema | undefined, apiKey: number, kind: string): MessageSchema {
  if (schema !== undefined) return schema;
  throw new ProtocolEncodeError({ reason: "unknown-api-key", messageName: `${kind} of API key ${apiKey}`, version: -1 });
}

function frame(
  headerSchema: MessageSchema,
  headerVersion: number,
  header: unknown,
  schema: MessageSchema,
  version: number,
  body: unknown,
): Buffer {
  const writer = new ByteWriter();
  writer.int32(0);
  writeMessage(writer, headerSchema, headerVersion, header);
  writeMessage(writer, schema, version, body);
  writer.buf.writeInt32BE(writer.pos - 4, 0);
  return writer.finish();
}
