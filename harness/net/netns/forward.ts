// Lets the root namespace (clients, Toxiproxy) reach a server inside one of our namespaces without
// a route or address in the root namespace: 127.0.0.1:port → Unix socket → relay in the namespace
// → the server's address there. Traffic on this path never crosses the bridge, so partitions
// between nodes do not cut clients off; client-link faults belong to Toxiproxy.
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { rmSync } from "node:fs";
import { inNamespace } from "./command.ts";
import { StartupError } from "../../errors.ts";

export interface ForwardOptions {
  readonly namespace: string;
  /** Where the server listens inside the namespace. */
  readonly targetHost: string;
  readonly targetPort: number;
  /** Path of the Unix socket joining the two sides; must not exist or be stale. */
  readonly socketPath: string;
  /** Port on 127.0.0.1 in the root namespace; 0 picks a free one. */
  readonly listenPort?: number;
  readonly readyTimeoutMs?: number;
}

export interface NamespaceForward {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** Stops listening, cuts open connections and ends the relay; safe to call twice. */
  close(): Promise<void>;
}

const RELAY = fileURLToPath(new URL("./relay.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

function startRelay(options: ForwardOptions): Promise<ChildProcess> {
  const { namespace, targetHost, targetPort, socketPath } = options;
  const timeoutMs = options.readyTimeoutMs ?? 15_000;
  const line = inNamespace(namespace, process.execPath, ["--import", TSX_LOADER, RELAY, socketPath, targetHost, String(targetPort)]);
  const relay = spawn(line.command, line.args, { stdio: ["ignore", "pipe", "pipe"] });
  const context = { namespace, targetHost, targetPort, socketPath };
  return new Promise((resolve, reject) => {
    let stderr = "";
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      relay.kill("SIGKILL");
      reject(new StartupError(`relay into namespace ${namespace} for ${targetHost}:${targetPort} ${why}`, "relay-not-ready", context));
    };
    const timer = setTimeout(() => fail(`was not ready after ${timeoutMs} ms: ${stderr.trim()}`), timeoutMs);
    relay.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    relay.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      if (settled || !chunk.includes("ready")) return;
      settled = true;
      clearTimeout(timer);
      resolve(relay);
    });
    relay.on("error", (error) => fail(`could not start: ${error.message}`));
    relay.on("exit", (code, signal) => fail(`exited (${signal ?? code}) before it was ready: ${stderr.trim()}`));
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

export async function forwardIntoNamespace(options: ForwardOptions): Promise<NamespaceForward> {
  const relay = await startRelay(options);
  const open = new Set<Socket>();
  const server = createServer((downstream) => {
    const upstream = createConnection({ path: options.socketPath });
    open.add(downstream);
    downstream.pipe(upstream);
    // Not ended by the pipe: how the client's side ends depends on whether the server ever answered.
    upstream.pipe(downstream, { end: false });
    downstream.on("error", () => upstream.destroy());
    upstream.on("error", () => downstream.destroy());
    downstream.on("close", () => {
      open.delete(downstream);
      upstream.destroy();
    });
    // The relay ends a stream it could not connect before any byte came back: the server inside is
    // down. Reset the client's connection then, as a refused or dead port would, instead of closing
    // it cleanly — clients treat a clean close after connecting as the broker hanging up, not as gone.
    let answered = false;
    upstream.once("data", () => (answered = true));
    upstream.on("close", () => (answered ? downstream.destroy() : downstream.resetAndDestroy()));
  });
  const relayExited = new Promise<void>((resolve) => {
    if (relay.exitCode !== null || relay.signalCode !== null) resolve();
    else relay.once("exit", () => resolve());
  });
  let port: number;
  try {
    port = await listen(server, options.listenPort ?? 0);
  } catch (error) {
    relay.kill("SIGKILL");
    await relayExited;
    throw new StartupError(
      `cannot listen on 127.0.0.1:${options.listenPort ?? 0} to forward into namespace ${options.namespace}: ${(error as Error).message}`,
      "port-in-use",
      { ...options },
      { cause: error },
    );
  }
  let closing: Promise<void> | undefined;
  return {
    host: "127.0.0.1",
    port,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of open) socket.destroy();
        relay.kill("SIGTERM");
        const stubborn = setTimeout(() => relay.kill("SIGKILL"), 5_000);
        await Promise.all([closed, relayExited]);
        clearTimeout(stubborn);
        rmSync(options.socketPath, { force: true });
      })();
      return closing;
    },
  };
}
