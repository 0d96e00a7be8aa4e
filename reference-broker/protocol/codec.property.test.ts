// Property tests of the codec over the whole schema table: every message at every version
// round-trips, and no input makes a decoder throw anything but ProtocolDecodeError.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, type MessageName } from "./codec.ts";
import { ProtocolDecodeError } from "./codec-errors.ts";
import { MESSAGE_SCHEMAS } from "./generated/schemas.ts";
import { messageArbitrary } from "./message-arbitrary.ts";
import { requestSchema, responseSchema } from "./registry.ts";
import { parseVersions, type MessageSchema } from "./schema.ts";
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, type RequestApiKey } from "./wire.ts";

const RUNS_PER_VERSION = 12;

function versionsOf(schema: MessageSchema): number[] {
  const { min, max } = parseVersions(schema.valid);
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

const clientId = fc.option(fc.string({ unit: "binary", maxLength: 10 }), { nil: null, freq: 5 });
const correlationId = fc.integer({ min: -0x80000000, max: 0x7fffffff });

describe("every request round-trips through encodeRequest and decodeRequest", () => {
  for (const schema of MESSAGE_SCHEMAS.filter((m) => m.type === "request")) {
    it(`${schema.name} v${schema.valid}`, () => {
      const apiKey = schema.apiKey as RequestApiKey;
      for (const version of versionsOf(schema)) {
        fc.assert(
          fc.property(messageArbitrary(schema, version), correlationId, clientId, (body, correlation, client) => {
            const frame = encodeRequest(apiKey, version, correlation, client, body as never);
            expect(frame.readInt32BE(0)).toBe(frame.length - 4);
            const decoded = decodeRequest(frame.subarray(4));
            expect(decoded.apiKey).toBe(apiKey);
            expect(decoded.apiVersion).toBe(version);
            expect(decoded.correlationId).toBe(correlation);
            // ControlledShutdown v0 has request header v0, which carries no client id.
            if (!(apiKey === 7 && version === 0)) expect(decoded.clientId).toBe(client);
            expect(decoded.body).toEqual(body);
          }),
          { numRuns: RUNS_PER_VERSION },
        );
      }
    });
  }
});

describe("every response round-trips through encodeResponse and decodeResponse", () => {
  for (const schema of MESSAGE_SCHEMAS.filter((m) => m.type === "response")) {
    it(`${schema.name} v${schema.valid}`, () => {
      const apiKey = schema.apiKey as RequestApiKey;
      for (const version of versionsOf(schema)) {
        fc.assert(
          fc.property(messageArbitrary(schema, version), correlationId, (body, correlation) => {
            const frame = encodeResponse(apiKey, version, correlation, body as never);
            const decoded = decodeResponse(apiKey, version, frame.subarray(4));
            expect(decoded.correlationId).toBe(correlation);
            expect(decoded.body).toEqual(body);
          }),
          { numRuns: RUNS_PER_VERSION },
        );
      }
    });
  }
});

describe("headers and data messages round-trip through encodeMessage and decodeMessage", () => {
  for (const schema of MESSAGE_SCHEMAS.filter((m) => m.type === "header" || m.type === "data")) {
    it(`${schema.name} v${schema.valid}`, () => {
      const name = schema.name as MessageName;
      for (const version of versionsOf(schema)) {
        fc.assert(
          fc.property(messageArbitrary(schema, version), (value) => {
            expect(decodeMessage(name, version, encodeMessage(name, version, value as never))).toEqual(value);
          }),
          { numRuns: RUNS_PER_VERSION },
        );
      }
    });
  }
});

/** Runs `decode`; anything thrown other than ProtocolDecodeError fails the property. */
function decodesOrRejects(decode: () => unknown): boolean {
  try {
    decode();
  } catch (e) {
    if (!(e instanceof ProtocolDecodeError)) throw e;
  }
  return true;
}

const requestSchemas = MESSAGE_SCHEMAS.filter((m) => m.type === "request");

/** A valid request of a random API and version, encoded, and its schema. */
const validRequest = fc
  .constantFrom(...requestSchemas)
  .chain((schema) => fc.constantFrom(...versionsOf(schema)).map((version) => ({ schema, version })))
  .chain(({ schema, version }) =>
    messageArbitrary(schema, version).map((body) => ({
      schema,
      version,
      frame: encodeRequest(schema.apiKey as RequestApiKey, version, 1, "fuzz", body as never).subarray(4),
    })),
  );

type Mutation = { kind: "flip"; at: number; xor: number } | { kind: "cut"; at: number } | { kind: "insert"; at: number; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
);

function mutate(frame: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(frame);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === "flip" && at < out.length) out[at] ^= m.xor;
    else if (m.kind === "cut") out = out.subarray(0, at);
    else if (m.kind === "insert") out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
  }
  return out;
}

describe("decoders reject bad input only with ProtocolDecodeError", () => {
  it("random bytes after a valid api key and version", () => {
    const keyAndVersion = fc
      .constantFrom(...requestSchemas)
      .chain((schema) => fc.tuple(fc.constant(schema.apiKey as number), fc.integer({ min: -1, max: parseVersions(schema.valid).max + 1 })));
    fc.assert(
      fc.property(keyAndVersion, fc.uint8Array({ maxLength: 64 }), ([apiKey, version], rest) => {
        const frame = Buffer.alloc(4 + rest.length);
        frame.writeInt16BE(apiKey, 0);
        frame.writeInt16BE(version, 2);
        frame.set(rest, 4);
        return decodesOrRejects(() => decodeRequest(frame));
      }),
      { numRuns: 3000 },
    );
  });

  it("entirely random frames", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 48 }), (bytes) => decodesOrRejects(() => decodeRequest(Buffer.from(bytes)))),
      { numRuns: 1000 },
    );
  });

  it("mutated valid requests", () => {
    fc.assert(
      fc.property(validRequest, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ frame }, mutations) =>
        decodesOrRejects(() => decodeRequest(mutate(frame, mutations))),
      ),
      { numRuns: 3000 },
    );
  });

  it("mutated valid responses", () => {
    const validResponse = fc
      .constantFrom(...MESSAGE_SCHEMAS.filter((m) => m.type === "response"))
      .chain((schema) => fc.constantFrom(...versionsOf(schema)).map((version) => ({ schema, version })))
      .chain(({ schema, version }) =>
        messageArbitrary(schema, version).map((body) => ({
          apiKey: schema.apiKey as RequestApiKey,
          version,
          frame: encodeResponse(schema.apiKey as RequestApiKey, version, 1, body as never).subarray(4),
        })),
      );
    fc.assert(
      fc.property(validResponse, fc.array(mutation, { minLength: 1, maxLength: 3 }), ({ apiKey, version, frame }, mutations) =>
        decodesOrRejects(() => decodeResponse(apiKey, version, mutate(frame, mutations))),
      ),
      { numRuns: 2000 },
    );
  });
});

it("every API key has both a request and a response schema", () => {
  for (const schema of requestSchemas) {
    expect(responseSchema(schema.apiKey as number)?.valid, schema.name).toBe(schema.valid);
    expect(requestSchema(schema.apiKey as number)).toBe(schema);
  }
});
