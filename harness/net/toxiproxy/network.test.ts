// Every fault of ToxiproxyNetwork against the real Toxiproxy server and a local TCP echo server: the
// API accepts our bodies, and each toxic has its effect on the wire (lower bounds only, never speed).
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { findFreePortBlock } from "../../proc/ports.ts";
import { isExecutableFile } from "../../proc/programs.ts";
import { ensureToxiproxyServer, findGo, toxiproxyBinaryPath } from "./binary.ts";
import { ToxiproxyNetwork } from "./network.ts";

interface Exchange {
  received: Buffer;
  /** How the connection ended, if it did within the wait. */
  ended?: "close" | "ECONNRESET" | "ECONNREFUSED";
  /** Milliseconds from the write to the first reply byte, and to the end. */
  firstByteMs?: number;
  endMs?: number;
}

// Needs the server binary, or Go to build it; in CI a missing Go is a broken machine, not a skip.
const skipReason = !process.env.CI && findGo() === undefined && !isExecutableFile(toxiproxyBinaryPath()) ? "go not installed (run scripts/setup)" : undefined;

describe.skipIf(skipReason !== undefined)(`ToxiproxyNetwork${skipReason ? ` — skipped: ${skipReason}` : ""}`, () => {
  let network: ToxiproxyNetwork;
  const servers: Server[] = [];
  const listen = new Map<string, string>();
  const dir = mkdtempSync(join(tmpdir(), "kconform-toxiproxy-"));
  /** Echoes what it receives. */
  const ECHO = "echo";
  /** Says hello and closes, to see what happens to a close. */
  const GREETER = "greeter";

  /**
   * Connect through a proxy, send `payload`, and collect the reply until `expectBytes` arrived, the
   * connection ended, or waitMs passed.
   */
  function exchange(proxy: string, payload: Buffer, waitMs: number, expectBytes = payload.length): Promise<Exchange> {
    const [host, port] = (listen.get(proxy) as string).split(":");
    return new Promise((resolve) => {
      const result: Exchange = { received: Buffer.alloc(0) };
      const socket: Socket = connect(Number(port), host);
      let started = 0;
      const finish = () => {
        clearTimeout(timer);
        socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(finish, waitMs);
      socket.on("connect", () => {
        started = performance.now();
        if (payload.length > 0) socket.write(payload);
      });
      socket.on("data", (chunk) => {
        result.firstByteMs ??= performance.now() - started;
        result.received = Buffer.concat([result.received, chunk]);
        if (expectBytes > 0 && result.received.length >= expectBytes) {
          result.endMs = performance.now() - started;
          finish();
        }
      });
      socket.on("error", (error: NodeJS.ErrnoException) => {
        result.ended = error.code === "ECONNRESET" || error.code === "ECONNREFUSED" ? error.code : "close";
        result.endMs = performance.now() - started;
        finish();
      });
      socket.on("close", () => {
        result.ended ??= "close";
        result.endMs ??= performance.now() - started;
        finish();
      });
    });
  }

  async function serve(name: string, onConnection: (socket: Socket) => void, port: number): Promise<void> {
    const server = createServer((socket) => {
      // The toxics reset and cut connections on purpose.
      socket.on("error", () => undefined);
      onConnection(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const upstream = `127.0.0.1:${(server.address() as { port: number }).port}`;
    listen.set(name, `127.0.0.1:${port}`);
    await network.addProxy({ name, listen: `127.0.0.1:${port}`, upstream });
  }

  beforeAll(async () => {
    const binary = await ensureToxiproxyServer();
    const base = await findFreePortBlock(3);
    network = await ToxiproxyNetwork.start({ binary: binary.path, port: base, logFile: join(dir, "toxiproxy.log") });
    await serve(ECHO, (socket) => socket.pipe(socket), base + 1);
    await serve(GREETER, (socket) => socket.end("hello"), base + 2);
  });

  afterEach(() => network.healAll());

  afterAll(async () => {
    await network?.stop();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    rmSync(dir, { recursive: true, force: true });
  });

  const hello = Buffer.from("hello");

  it("passes traffic through untouched", async () => {
    expect((await exchange(ECHO, hello, 2_000)).received.toString()).toBe("hello");
  });

  it("latency delays the reply by at least the toxic's amount, until removed", async () => {
    const toxic = await network.addToxic(ECHO, { kind: "latency", latencyMs: 300 });
    expect(toxic.description).toBe("latency 300±0ms downstream");
    expect((await exchange(ECHO, hello, 5_000)).firstByteMs).toBeGreaterThanOrEqual(290);
    await toxic.remove();
    await toxic.remove();
    expect((await exchange(ECHO, hello, 2_000)).received.toString()).toBe("hello");
  });

  it("down refuses connections until its handle re-enables the proxy", async () => {
    const down = await network.down(ECHO);
    expect((await exchange(ECHO, hello, 2_000)).ended).toBe("ECONNREFUSED");
    await down.remove();
    expect((await exchange(ECHO, hello, 2_000)).received.toString()).toBe("hello");
  });

  it("reset_peer answers with a TCP reset", async () => {
    await network.addToxic(ECHO, { kind: "reset_peer", timeoutMs: 0 }, { stream: "upstream" });
    expect((await exchange(ECHO, hello, 3_000)).ended).toBe("ECONNRESET");
  });

  it("limit_data closes the connection after that many bytes", async () => {
    await network.addToxic(ECHO, { kind: "limit_data", bytes: 4 });
    const result = await exchange(ECHO, Buffer.from("0123456789"), 3_000);
    expect(result.ended).toBe("close");
    expect(result.received.length).toBeLessThanOrEqual(4);
  });

  it("blackhole passes nothing and keeps the connection open", async () => {
    await network.addToxic(ECHO, { kind: "blackhole" }, { stream: "upstream" });
    const result = await exchange(ECHO, hello, 700);
    expect(result.received.length).toBe(0);
    expect(result.ended).toBeUndefined();
  });

  it("timeout passes nothing and closes after the timeout", async () => {
    await network.addToxic(ECHO, { kind: "timeout", timeoutMs: 300 }, { stream: "upstream" });
    const result = await exchange(ECHO, hello, 5_000);
    expect(result.received.length).toBe(0);
    expect(result.ended).toBe("close");
    expect(result.endMs).toBeGreaterThanOrEqual(290);
  });

  it("slicer and bandwidth deliver every byte, bandwidth no faster than its rate", async () => {
    const payload = Buffer.alloc(20 * 1024, 7);
    await network.addToxic(ECHO, { kind: "slicer", averageSize: 64, sizeVariation: 32, delayMicros: 10 });
    await network.addToxic(ECHO, { kind: "bandwidth", rateKBps: 40 });
    const result = await exchange(ECHO, payload, 10_000);
    expect(result.received.equals(payload)).toBe(true);
    // 20 KB at 40 KB/s: at least about half a second.
    expect(result.endMs).toBeGreaterThanOrEqual(400);
  });

  it("slow_close holds back the server's close", async () => {
    await network.addToxic(GREETER, { kind: "slow_close", delayMs: 400 });
    const result = await exchange(GREETER, Buffer.alloc(0), 5_000, 0);
    expect(result.received.toString()).toBe("hello");
    expect(result.ended).toBe("close");
    expect(result.endMs).toBeGreaterThanOrEqual(390);
  });

  it("healAll removes every toxic and re-enables every proxy", async () => {
    await network.addToxic(ECHO, { kind: "latency", latencyMs: 5_000 });
    await network.down(ECHO);
    await network.healAll();
    expect((await exchange(ECHO, hello, 4_000)).received.toString()).toBe("hello");
  });

  it("names the proxy it does not know", async () => {
    await expect(network.addToxic("nope", { kind: "blackhole" })).rejects.toThrow("no proxy named nope; known: echo, greeter");
  });
});
