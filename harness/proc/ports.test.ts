// Port checks against real sockets on 127.0.0.1.
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { assertPortsFree, findFreePortBlock, isPortFree, MAX_PORT, PortInUseError } from "./ports.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function listen(port: number, host: string): Promise<void> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => server.listen(port, host, resolve));
}

describe("ports", () => {
  it("finds a block of free ports below the ephemeral range", async () => {
    const base = await findFreePortBlock(5);
    expect(base + 4).toBeLessThanOrEqual(MAX_PORT);
    for (let port = base; port < base + 5; port++) expect(await isPortFree(port)).toBe(true);
  });

  it.each(["127.0.0.1", "0.0.0.0"])("names the port, and what needed it, when something listens on %s", async (host) => {
    const base = await findFreePortBlock(2);
    await listen(base + 1, host);
    const check = assertPortsFree([
      { port: base, purpose: "first" },
      { port: base + 1, purpose: "kafka node 1 client listener" },
    ]);
    await expect(check).rejects.toBeInstanceOf(PortInUseError);
    await expect(check).rejects.toThrow(`port ${base + 1} on 127.0.0.1 (for the kafka node 1 client listener) is already in use`);
  });
});
