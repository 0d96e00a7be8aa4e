// The listener and connection over real loopback TCP: requests answered in order, malformed input
// closing only the offending connection with a log line, ApiVersions of an unknown version answered.
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Socket } from "node:net";
import { Listener } from "./listener.ts";
import { ApiDispatcher } from "../apis/dispatcher.ts";
import { apiVersions, type ApiVersionsContext } from "../apis/18-api-versions.ts";
import { decodeResponse, encodeRequest } from "../protocol/wire.ts";
import { FrameReader } from "../protocol/frame-reader.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { lineLogger } from "../logger.ts";

const lines: string[] = [];
let listener: Listener | undefined;

async function startBroker(): Promise<number> {
  const context: ApiVersionsContext = { advertisedApis: () => dispatcher.advertised() };
  const dispatcher = new ApiDispatcher([apiVersions], context);
  listener = new Listener({ name: "PLAINTEXT", host: "127.0.0.1", port: 0, maxRequestBytes: 1024 }, dispatcher,
    lineLogger("test", { sink: (line) => lines.push(line) }));
  return listener.start();
}

afterEach(async () => {
  await listener?.stop();
  lines.length = 0;
});

/** A raw client: sends bytes, collects response frames, notices when the broker closes. */
function rawClient(port: number): Promise<{ socket: Socket; frames: Buffer[]; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const frames: Buffer[] = [];
    const reader = new FrameReader();
    const socket = connect(port, "127.0.0.1", () => resolve({ socket, frames, closed }));
    const closed = new Promise<void>((done) => socket.on("close", () => done()));
    socket.on("data", (chunk) => frames.push(...reader.push(chunk)));
    socket.on("error", reject);
  });
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(predicate()).toBe(true);
}

describe("broker connection", () => {
  it("answers pipelined requests in order", async () => {
    const port = await startBroker();
    const client = await rawClient(port);
    for (let id = 1; id <= 5; id++) client.socket.write(encodeRequest(ApiKey.ApiVersions, id % 2 === 0 ? 3 : 1, id, "c", { clientSoftwareName: "t", clientSoftwareVersion: "1" }));
    await until(() => client.frames.length === 5);
    const ids = client.frames.map((frame, i) => decodeResponse(ApiKey.ApiVersions, (i + 1) % 2 === 0 ? 3 : 1, frame).correlationId);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    const body = decodeResponse(ApiKey.ApiVersions, 1, client.frames[0]).body;
    expect(body.apiKeys).toEqual([{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 4 }]);
    client.socket.destroy();
  });

  it("answers an ApiVersions version it does not know with v0 and UNSUPPORTED_VERSION", async () => {
    const port = await startBroker();
    const client = await rawClient(port);
    const request = encodeRequest(ApiKey.ApiVersions, 3, 7, "c", { clientSoftwareName: "t", clientSoftwareVersion: "1" });
    request.writeInt16BE(9, 6); // request_api_version := 9
    client.socket.write(request);
    await until(() => client.frames.length === 1);
    const { correlationId, body } = decodeResponse(ApiKey.ApiVersions, 0, client.frames[0]);
    expect(correlationId).toBe(7);
    expect(body.errorCode).toBe(35);
    expect(body.apiKeys.length).toBe(1);
    client.socket.destroy();
  });

  it("closes only the connection that sent garbage, and says why", async () => {
    const port = await startBroker();
    const bad = await rawClient(port);
    const good = await rawClient(port);
    bad.socket.write(Buffer.from([0, 0, 0, 6, 0x7f, 0x7f, 0, 0, 0, 1])); // unknown API key 32639
    await bad.closed;
    expect(lines.some((l) => l.includes("malformed request") && l.includes("unknown-api-key"))).toBe(true);
    good.socket.write(encodeRequest(ApiKey.ApiVersions, 0, 1, null, {}));
    await until(() => good.frames.length === 1);
    good.socket.destroy();
  });

  it("refuses a frame above the maximum request size before reading it", async () => {
    const port = await startBroker();
    const client = await rawClient(port);
    const header = Buffer.alloc(4);
    header.writeInt32BE(4096);
    client.socket.write(header);
    await client.closed;
    expect(lines.some((l) => l.includes("frame-size"))).toBe(true);
  });
});
