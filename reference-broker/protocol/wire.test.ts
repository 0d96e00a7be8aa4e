// Golden wire fixtures: requests captured from real clients (librdkafka 2.0.2 via kcat 1.7.1,
// kafkajs 2.2.4, the Java client 4.3.1) talking to this codec, plus hand-computed responses, and the
// header-version rules and request-level refusals.
import { describe, expect, it } from "vitest";
import { apiKeyByName, apiKeyName, apiVersionRange, isApiKey } from "./api-keys.ts";
import { ProtocolDecodeError } from "./codec-errors.ts";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  requestHeaderVersion,
  responseHeaderVersion,
} from "./wire.ts";

const bytes = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ""), "hex");
/** The captured frames have no size prefix (the frame reader strips it); encodeRequest adds it. */
const sized = (frame: Buffer): Buffer => Buffer.concat([bytes((frame.length >>> 0).toString(16).padStart(8, "0")), frame]);

const CAPTURED = {
  librdkafkaApiVersionsV3: "0012 0003 00000001 0007 72646b61666b61 00 0b 6c696272646b61666b61 06 322e302e32 00",
  librdkafkaMetadataV1AllTopics: "0003 0001 00000003 0007 72646b61666b61 ffffffff",
  librdkafkaMetadataV1NoTopics: "0003 0001 00000002 0007 72646b61666b61 00000000",
  kafkajsApiVersionsV2: "0012 0002 00000000 0008 6b636f6e666f726d",
  kafkajsMetadataV1: "0003 0001 00000001 0008 6b636f6e666f726d ffffffff",
  javaApiVersionsV4:
    "0012 0004 00000000 000a 6a6176612d70726f6265 00 12 6170616368652d6b61666b612d6a617661 06 342e332e31 00",
};

describe("requests captured from real clients", () => {
  it.each([
    ["librdkafkaApiVersionsV3", 18, 3, 1, "rdkafka", { clientSoftwareName: "librdkafka", clientSoftwareVersion: "2.0.2" }],
    ["javaApiVersionsV4", 18, 4, 0, "java-probe", { clientSoftwareName: "apache-kafka-java", clientSoftwareVersion: "4.3.1" }],
    ["kafkajsApiVersionsV2", 18, 2, 0, "kconform", { clientSoftwareName: "", clientSoftwareVersion: "" }],
  ] as const)("%s", (name, apiKey, apiVersion, correlationId, clientId, body) => {
    const frame = bytes(CAPTURED[name]);
    const request = decodeRequest(frame);
    expect(request).toMatchObject({ apiKey, apiVersion, correlationId, clientId, body });
    expect(encodeRequest(apiKey, apiVersion, correlationId, clientId, body)).toEqual(sized(frame));
  });

  it.each([
    ["librdkafkaMetadataV1AllTopics", 3, "rdkafka", null],
    ["librdkafkaMetadataV1NoTopics", 2, "rdkafka", []],
    ["kafkajsMetadataV1", 1, "kconform", null],
  ] as const)("%s", (name, correlationId, clientId, topics) => {
    const frame = bytes(CAPTURED[name]);
    const request = decodeRequest(frame);
    // Fields Metadata v1 lacks come back with their defaults, auto-creation included (v4+, default true).
    const body = { topics, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false };
    expect(request).toEqual({ apiKey: 3, apiVersion: 1, correlationId, clientId, header: request.header, body });
    expect(encodeRequest(3, 1, correlationId, clientId, { topics: topics === null ? null : [] })).toEqual(sized(frame));
  });

  it("keeps the request header v2 client id a classic int16-length string", () => {
    const { header } = decodeRequest(bytes(CAPTURED.librdkafkaApiVersionsV3));
    expect(header).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: "rdkafka" });
  });
});

describe("responses", () => {
  it("ApiVersions v3 goes with response header v0 although the body is flexible", () => {
    const body = { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 11 }], throttleTimeMs: 0, finalizedFeaturesEpoch: 5n };
    const frame = encodeResponse(18, 3, 7, body);
    expect(frame).toEqual(bytes("0000001d 00000007 0000 02 0000 0000 000b 00 00000000 01 01 08 0000000000000005"));
    expect(decodeResponse(18, 3, frame.subarray(4))).toEqual({
      correlationId: 7,
      body: { ...body, supportedFeatures: [], finalizedFeatures: [], zkMigrationReady: false },
    });
  });

  it("Produce v9 goes with response header v1 (tagged fields after the correlation id)", () => {
    const partition = { index: 0, errorCode: 0, baseOffset: 5n, logAppendTimeMs: -1n, logStartOffset: 0n, recordErrors: [], errorMessage: null };
    const frame = encodeResponse(0, 9, 9, { responses: [{ name: "t", partitionResponses: [partition] }], throttleTimeMs: 0 });
    expect(frame).toEqual(
      bytes("00000030 00000009 00 02 0274 02 00000000 0000 0000000000000005 ffffffffffffffff 0000000000000000 01 00 00 00 00000000 00"),
    );
  });

  it("a ControlledShutdown v0 request takes request header v0, without a client id", () => {
    expect(encodeRequest(7, 0, 5, "ignored", { brokerId: 1 })).toEqual(bytes("0000000c 0007 0000 00000005 00000001"));
    expect(decodeRequest(bytes("0007 0000 00000005 00000001"))).toMatchObject({ apiKey: 7, correlationId: 5, body: { brokerId: 1 } });
  });
});

describe("header versions follow flexibleVersions", () => {
  it.each([
    [0, 8, 1],
    [0, 9, 2],
    [18, 2, 1],
    [18, 3, 2],
    [18, 99, 2],
    [7, 0, 0],
    [7, 1, 1],
    [7, 3, 2],
  ])("request api key %i v%i: header v%i", (apiKey, apiVersion, headerVersion) => {
    expect(requestHeaderVersion(apiKey, apiVersion)).toBe(headerVersion);
  });

  it.each([
    [18, 3, 0],
    [18, 4, 0],
    [0, 8, 0],
    [0, 9, 1],
    [3, 9, 1],
  ])("response api key %i v%i: header v%i", (apiKey, apiVersion, headerVersion) => {
    expect(responseHeaderVersion(apiKey, apiVersion)).toBe(headerVersion);
  });
});

function refusal(frame: string): ProtocolDecodeError {
  try {
    decodeRequest(bytes(frame));
  } catch (e) {
    if (e instanceof ProtocolDecodeError) return e;
    throw e;
  }
  throw new Error("expected a ProtocolDecodeError");
}

describe("requests the broker must refuse", () => {
  it("an unknown API key, naming the client", () => {
    const error = refusal("0063 0000 0000002a 0003 616263 00");
    expect(error).toMatchObject({ reason: "unknown-api-key", apiKey: 99, apiVersion: 0, offset: 0 });
    expect(error.context).toMatchObject({ correlationId: 42, clientId: "abc" });
  });

  it("a version beyond the definitions, with the header kept for ApiVersions' v0 fallback", () => {
    const error = refusal(CAPTURED.librdkafkaApiVersionsV3.replace("0012 0003", "0012 0009"));
    expect(error).toMatchObject({ reason: "unsupported-version", apiKey: 18, apiVersion: 9 });
    expect(error.header).toEqual({ requestApiKey: 18, requestApiVersion: 9, correlationId: 1, clientId: "rdkafka" });
    expect(refusal("0000 000c 00000001 ffff 00")).toMatchObject({ reason: "unsupported-version", apiKey: 0, apiVersion: 12 });
  });

  it("trailing garbage, a truncated header and a frame too short for a header", () => {
    expect(refusal(CAPTURED.kafkajsMetadataV1 + "00")).toMatchObject({ reason: "trailing-bytes", apiKey: 3, apiVersion: 1 });
    const truncated = refusal("0003 0001 0000");
    expect(truncated).toMatchObject({ reason: "truncated", apiKey: 3, field: "correlationId" });
    expect(truncated.message).toBe(
      "cannot decode RequestHeader v1 of api key 3 v1: truncated at offset 4 reading correlationId (needs 4 bytes, 2 left)",
    );
    expect(refusal("0003")).toMatchObject({ reason: "truncated" });
  });
});

describe("api keys", () => {
  it("maps numbers and names both ways, with the definitions' version ranges", () => {
    expect(apiKeyName(0)).toBe("Produce");
    expect(apiKeyName(18)).toBe("ApiVersions");
    expect(apiKeyByName("Fetch")).toBe(1);
    expect(apiKeyByName("toString")).toBeUndefined();
    expect(isApiKey(60)).toBe(true);
    expect(isApiKey(-1)).toBe(false);
    expect(apiVersionRange(0)).toEqual({ min: 0, max: 11 });
    expect(apiVersionRange(1000)).toBeUndefined();
  });
});
