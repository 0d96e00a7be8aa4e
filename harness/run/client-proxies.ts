// Client-link faults for clusters whose brokers the harness cannot put behind Toxiproxy itself
// (an external cluster, the reference target): a Toxiproxy the harness runs, one proxy per
// broker, and a detour that sends every workload connection to a broker through its proxy. The
// brokers keep advertising their own addresses; only our clients' sockets go the long way.
import { join } from "node:path";
import { ensureToxiproxyServer } from "../net/toxiproxy/binary.ts";
import { ToxiproxyNetwork } from "../net/toxiproxy/network.ts";
import type { ClientLinks } from "../nemesis/fault.ts";
import { findFreePortBlock, LOOPBACK } from "../proc/ports.ts";
import { toxiproxyLinks } from "./environment.ts";

export interface BrokerAddress {
  nodeId: number;
  /** host:port the broker advertises to clients. */
  address: string;
}

export interface ClientProxies {
  links: ClientLinks;
  /** Broker address to the proxy that fronts it, for the workers' socket factory. */
  detours: ReadonlyMap<string, string>;
  stop(): Promise<void>;
}

export async function startClientProxies(brokers: readonly BrokerAddress[], options: { runDir: string; onProgress?: (message: string) => void }): Promise<ClientProxies> {
  const binary = await ensureToxiproxyServer({ ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}) });
  const base = await findFreePortBlock(brokers.length + 1);
  const network = await ToxiproxyNetwork.start({ binary: binary.path, port: base, logFile: join(options.runDir, "client-toxiproxy.log") });
  const detours = new Map<string, string>();
  const proxies = new Map<number, string>();
  try {
    for (const [i, broker] of brokers.entries()) {
      const name = `broker-${broker.nodeId}`;
      const listen = `${LOOPBACK}:${base + 1 + i}`;
      await network.addProxy({ name, listen, upstream: broker.address });
      detours.set(broker.address, listen);
      proxies.set(broker.nodeId, name);
    }
  } catch (error) {
    await network.stop();
    throw error;
  }
  return { links: toxiproxyLinks(network, proxies), detours, stop: () => network.stop() };
}
