// Replication's channel over the rpc layer's TCP connection, against a real listener on loopback:
// requests answered, a closed channel failing what waits and what comes after.
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ApiDispatcher } from "../apis/dispatcher.ts";
import { apiVersions, type ApiVersionsContext } from "../apis/18-api-versions.ts";
import { lineLogger } from "../logger.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { Listener } from "../server/listener.ts";
import { peerBrokerChannelFactory } from "./peer-broker-channel.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startListener(): Promise<number> {
  const context: ApiVersionsContext = { advertisedApis: () => dispatcher.advertised() };
  const dispatcher = new ApiDispatcher([apiVersions], context);
  const listener = new Listener({ name: "PLAINTEXT", host: "127.0.0.1", port: 0, maxRequestBytes: 1 << 20 }, dispatcher, lineLogger("test", { sink: () => {} }));
  const port = await listener.start();
  cleanups.push(() => listener.stop());
  return port;
}

/** A server that accepts connections and never answers (a SIGSTOPped broker). */
async function silentServer(): Promise<number> {
  const server: Server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

const request = { clientSoftwareName: "kconform", clientSoftwareVersion: "1" };

describe("peer broker channel", () => {
  it("answers pipelined requests of different versions, each with its own response", async () => {
    const port = await startListener();
    const channel = peerBrokerChannelFactory(1, 5_000)({ nodeId: 2, host: "127.0.0.1", port });
    cleanups.push(() => channel.close());
    const [v0, v3] = await Promise.all([channel.send(ApiKey.ApiVersions, 0, {}), channel.send(ApiKey.ApiVersions, 3, request)]);
    expect(v0.errorCode).toBe(0);
    expect(v3.apiKeys.map((k) => k.apiKey)).toEqual([ApiKey.ApiVersions]);
  });

  it("fails requests still waiting when closed, and every later one", async () => {
    const port = await silentServer();
    const channel = peerBrokerChannelFactory(1, 60_000)({ nodeId: 2, host: "127.0.0.1", port });
    const waiting = channel.send(ApiKey.ApiVersions, 3, request);
    channel.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(channel.send(ApiKey.ApiVersions, 3, request)).rejects.toThrow(/closed/);
  });
});
