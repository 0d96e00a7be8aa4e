// TCP ports for the servers the harness starts: all on 127.0.0.1, all below the kernel's ephemeral
// range (so an outgoing connection never takes one first), each checked free before anything starts.
import { createServer } from "node:net";
import { CouldNotRunError, EnvironmentError } from "../errors.ts";

/** Linux hands out ephemeral ports from 32768; staying below keeps our listeners from colliding. */
export const MAX_PORT = 32767;
export const MIN_PORT = 1024;
export const LOOPBACK = "127.0.0.1";

export interface PortUse {
  port: number;
  /** What will listen there, e.g. "kafka node 2 controller listener". */
  purpose: string;
}

export class PortInUseError extends EnvironmentError {}

/** Pure check of a requested range; throws a CouldNotRunError naming the bound broken. */
export function validatePortRange(base: number, count: number): void {
  if (!Number.isInteger(base) || base < MIN_PORT || base + count - 1 > MAX_PORT) {
    throw new CouldNotRunError(
      `ports ${base}..${base + count - 1} are needed, but ports must lie in ${MIN_PORT}..${MAX_PORT} (below the ephemeral range); choose a --port of at most ${MAX_PORT - count + 1}`,
      "bad-port",
      { base, count },
    );
  }
}

export function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws PortInUseError for the first port some other process already listens on. */
export async function assertPortsFree(uses: readonly PortUse[], host = LOOPBACK): Promise<void> {
  for (const use of uses) {
    if (!(await isPortFree(use.port, host))) {
      throw new PortInUseError(
        `port ${use.port} on ${host} (for the ${use.purpose}) is already in use; stop whatever listens there or choose another --port`,
        "port-in-use",
        { port: use.port, host, purpose: use.purpose },
      );
    }
  }
}

/**
 * First port of `count` consecutive free ports in [low, MAX_PORT]. Starts at a random place so
 * parallel test workers rarely race for the same block.
 */
export async function findFreePortBlock(count: number, low = 20000): Promise<number> {
  const span = MAX_PORT - low + 1 - count;
  const start = low + Math.floor(Math.random() * span);
  for (let step = 0; step < span; step += count) {
    const base = low + ((start - low + step) % span);
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await isPortFree(port);
    if (free) return base;
  }
  throw new EnvironmentError(`no ${count} consecutive free ports in ${low}..${MAX_PORT}`, "no-free-ports", { count, low });
}
