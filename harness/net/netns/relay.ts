// Runs inside a node's namespace (started by forward.ts through `ip netns exec`): accepts on a
// Unix socket, which the root namespace can reach through the file system, and connects each
// accepted stream to a TCP address that exists only inside this namespace.
// Usage: relay.ts SOCKET_PATH HOST PORT — prints "ready" once listening.
import { createConnection, createServer } from "node:net";
import { rmSync } from "node:fs";

const [socketPath, host, portText] = process.argv.slice(2);
const port = Number(portText);
if (!socketPath || !host || !Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`relay: usage: relay.ts SOCKET_PATH HOST PORT (got ${process.argv.slice(2).join(" ")})\n`);
  process.exit(2);
}

const server = createServer((downstream) => {
  const upstream = createConnection({ host, port });
  downstream.pipe(upstream).pipe(downstream);
  // Either side failing ends both, as a dropped TCP connection would.
  downstream.on("error", () => upstream.destroy());
  upstream.on("error", () => downstream.destroy());
  downstream.on("close", () => upstream.destroy());
  upstream.on("close", () => downstream.destroy());
});

rmSync(socketPath, { force: true });
server.listen(socketPath, () => process.stdout.write("ready\n"));
server.on("error", (error) => {
  process.stderr.write(`relay: ${error.message}\n`);
  process.exit(1);
});
process.on("SIGTERM", () => {
  server.close();
  rmSync(socketPath, { force: true });
  process.exit(0);
});
