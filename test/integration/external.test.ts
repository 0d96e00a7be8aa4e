// connectExternal against servers on 127.0.0.1: a minimal Kafka responder (ApiVersions, Metadata,
// SASL/PLAIN) over plaintext and TLS, a closed port and a silent one. The TLS cases need openssl to
// make a throwaway certificate and are skipped, with the reason, without it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { CouldNotRunError } from "../../harness/errors.ts";
import { connectExternal } from "../../harness/targets/external/connect.ts";
import { kafkaJsConfig } from "../../harness/targets/external/kafkajs-config.ts";
import { ExternalOptionsError } from "../../harness/targets/external/options.ts";

// --- a Kafka responder that knows just enough for kafkajs to connect, authenticate and describe ---

const API_VERSIONS = 18;
const METADATA = 3;
const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const SASL_AUTHENTICATION_FAILED = 58;

function int16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
}
function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}
function str(value: string | null): Buffer {
  return value === null ? int16(-1) : Buffer.concat([int16(Buffer.byteLength(value)), Buffer.from(value)]);
}

interface Responder {
  readonly port: number;
  readonly users?: Record<string, string>;
}

function respond(responder: Responder, apiKey: number, version: number, body: Buffer, authenticated: { value: boolean }): Buffer | "close" {
  const sasl = responder.users !== undefined;
  switch (apiKey) {
    case API_VERSIONS: {
      const apis = [[API_VERSIONS, 0, 2], [METADATA, 0, 2], ...(sasl ? [[SASL_HANDSHAKE, 0, 1], [SASL_AUTHENTICATE, 0, 0]] : [])];
      return Buffer.concat([int16(0), int32(apis.length), ...apis.flatMap(([k, min, max]) => [int16(k), int16(min), int16(max)]), ...(version >= 1 ? [int32(0)] : [])]);
    }
    case SASL_HANDSHAKE:
      return Buffer.concat([int16(0), int32(1), str("PLAIN")]);
    case SASL_AUTHENTICATE: {
      const [, username, password] = body.subarray(4, 4 + body.readInt32BE(0)).toString().split("\0");
      authenticated.value = responder.users?.[username] === password;
      return authenticated.value
        ? Buffer.concat([int16(0), str(null), int32(0)])
        : Buffer.concat([int16(SASL_AUTHENTICATION_FAILED), str("Authentication failed: invalid credentials"), int32(0)]);
    }
    case METADATA: {
      if (sasl && !authenticated.value) return "close";
      const broker = [int32(1), str("127.0.0.1"), int32(responder.port), ...(version >= 1 ? [str(null)] : [])];
      const cluster = [...(version >= 2 ? [str("fake-cluster")] : []), ...(version >= 1 ? [int32(1)] : [])];
      return Buffer.concat([int32(1), ...broker, ...cluster, int32(0)]);
    }
    default:
      return "close";
  }
}

function serveKafka(responder: Responder) {
  return (socket: Socket) => {
    let pending = Buffer.alloc(0);
    const authenticated = { value: false };
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        const apiKey = frame.readInt16BE(0);
        const version = frame.readInt16BE(2);
        const correlationId = frame.readInt32BE(4);
        const clientIdLength = frame.readInt16BE(8);
        const body = frame.subarray(10 + Math.max(0, clientIdLength));
        const reply = respond(responder, apiKey, version, body, authenticated);
        if (reply === "close") return void socket.destroy();
        socket.write(Buffer.concat([int32(reply.length + 4), int32(correlationId), reply]));
      }
    });
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
}

const servers: Server[] = [];
const sockets = new Set<Socket>();

async function start(make: (onSocket: (socket: Socket) => void) => Server, users?: Record<string, string>): Promise<number> {
  let port = 0;
  const server = make((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serveKafka({ port, users })(socket);
  });
  servers.push(server);
  port = await listen(server);
  return port;
}

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("connectExternal over plaintext", () => {
  let port: number;
  beforeAll(async () => {
    port = await start((onSocket) => createTcpServer(onSocket));
  });

  it("attaches, describes the cluster, owns nothing", async () => {
    const cluster = await connectExternal({ bootstrap: `127.0.0.1:${port}` });
    expect(cluster).toMatchObject({ target: "external", owned: false, nodes: [], bootstrap: [`127.0.0.1:${port}`], security: {} });
    expect(cluster.described).toEqual({ clusterId: "fake-cluster", controller: 1, brokers: [{ nodeId: 1, host: "127.0.0.1", port }] });
    await cluster.stop();
  });

  it("yields kafkajs config another client can use as-is", async () => {
    const cluster = await connectExternal({ bootstrap: [`127.0.0.1:${port}`] });
    const admin = new Kafka(kafkaJsConfig(cluster, { logLevel: logLevel.NOTHING })).admin();
    await admin.connect();
    expect((await admin.describeCluster()).clusterId).toBe("fake-cluster");
    await admin.disconnect();
  });

  it("fails with CouldNotRunError naming the address and the refusal when nothing listens", async () => {
    const closed = createTcpServer();
    const freePort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const error = await rejection(connectExternal({ bootstrap: `127.0.0.1:${freePort}`, probeTimeoutMs: 5_000 }));
    expect(error).toBeInstanceOf(CouldNotRunError);
    expect((error as CouldNotRunError).code).toBe("unreachable");
    expect(error.message).toContain(`127.0.0.1:${freePort}`);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it("gives up on a server that accepts but never answers, within the bound", async () => {
    const silent = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    servers.push(silent);
    const silentPort = await listen(silent);
    const error = await rejection(connectExternal({ bootstrap: `127.0.0.1:${silentPort}`, probeTimeoutMs: 1_000 }));
    expect(error).toBeInstanceOf(CouldNotRunError);
    expect(error.message).toContain(`127.0.0.1:${silentPort}`);
  });

  it("rejects bad options before touching the network", async () => {
    const error = await rejection(connectExternal({ bootstrap: `127.0.0.1:${port}`, sasl: { mechanism: "plain" }, env: {} }));
    expect(error).toBeInstanceOf(ExternalOptionsError);
    expect((error as ExternalOptionsError).code).toBe("missing-credential");
  });
});

const openssl = spawnSync("openssl", ["version"]).status === 0;

describe.skipIf(!openssl)(`connectExternal over TLS${openssl ? "" : " — skipped: openssl is not installed"}`, () => {
  const dir = mkdtempSync(join(tmpdir(), "kconform-external-tls-"));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  let tlsPort: number;
  let saslPort: number;
  const env = { KCONFORM_SASL_USERNAME: "alice", KCONFORM_SASL_PASSWORD: "wonderland" };

  beforeAll(async () => {
    const made = spawnSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", keyFile, "-out", certFile,
    ]);
    if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
    const tlsOptions = { cert: readFileSync(certFile), key: readFileSync(keyFile) };
    tlsPort = await start((onSocket) => createTlsServer(tlsOptions, onSocket));
    saslPort = await start((onSocket) => createTlsServer(tlsOptions, onSocket), { alice: "wonderland" });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("connects when the CA file vouches for the broker's certificate", async () => {
    const cluster = await connectExternal({ bootstrap: `127.0.0.1:${tlsPort}`, tls: { caFile: certFile } });
    expect(cluster.security.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(cluster.described.clusterId).toBe("fake-cluster");
  });

  it("refuses an unverifiable certificate unless told not to verify", async () => {
    const error = await rejection(connectExternal({ bootstrap: `127.0.0.1:${tlsPort}`, tls: true, probeTimeoutMs: 5_000 }));
    expect(error).toBeInstanceOf(CouldNotRunError);
    expect(error.message).toMatch(/certificate/i);
    const cluster = await connectExternal({ bootstrap: `127.0.0.1:${tlsPort}`, tls: { rejectUnauthorized: false } });
    expect(cluster.described.brokers).toHaveLength(1);
  });

  it("authenticates with SASL/PLAIN using credentials from the environment", async () => {
    const cluster = await connectExternal({ bootstrap: `127.0.0.1:${saslPort}`, tls: { caFile: certFile }, sasl: { mechanism: "PLAIN" }, env });
    expect(cluster.security.sasl).toEqual({ mechanism: "plain", username: "alice", password: "wonderland" });
    expect(cluster.described.clusterId).toBe("fake-cluster");
  });

  it("names a SASL failure as the cause when the password is wrong", async () => {
    const error = await rejection(
      connectExternal({
        bootstrap: `127.0.0.1:${saslPort}`,
        tls: { caFile: certFile },
        sasl: { mechanism: "plain", username: "alice", password: "wrong" },
        probeTimeoutMs: 5_000,
      }),
    );
    expect(error).toBeInstanceOf(CouldNotRunError);
    expect(error.message).toContain(`127.0.0.1:${saslPort}`);
    expect(error.message).toMatch(/SASL/);
  });
});
