// nftables NAT that gives `127.0.0.1:<port>` one meaning in every namespace of a network: the node
// that owns the port, as the root namespace's forwards already make it. Brokers with a single
// listener (the reference broker) can then advertise a loopback address that clients and peers alike
// reach. Peer traffic leaves with the node's bridge address, so partition rules still see who sent it.
import { PartitionSpecError } from "./grudge.ts";
import { isIPv4, resetTable } from "./nft.ts";

/** Our NAT table; separate from the partition table, so healing a partition leaves it alone. */
export const LOOPBACK_TABLE = "kconform-loopback";
const FAMILY = "ip";
const LOOPBACK_ADDRESS = "127.0.0.1";

/** Kernel setting that lets a packet addressed to 127.0.0.1 be rerouted off the loopback device. */
export const ROUTE_LOCALNET = "net.ipv4.conf.all.route_localnet";

export interface LoopbackRoute {
  /** The port on 127.0.0.1 that means the owning node everywhere. */
  readonly port: number;
  /** The owning node's bridge address. */
  readonly address: string;
}

function requireAddress(address: string, context: Record<string, unknown>): void {
  if (!isIPv4(address)) throw new PartitionSpecError(`not an IPv4 address: ${JSON.stringify(address)}`, context);
}

/**
 * The script for the namespace of the node at `self` on link `link`: connections to 127.0.0.1 on
 * another node's port go to that node's address; their source becomes `self`. It replaces the
 * table whole, so applying it twice is the same as once.
 */
export function loopbackScript(self: string, link: string, routes: readonly LoopbackRoute[]): string {
  requireAddress(self, { self });
  const seen = new Map<number, string>();
  for (const route of routes) {
    requireAddress(route.address, { route });
    if (!Number.isInteger(route.port) || route.port < 1 || route.port > 65535) throw new PartitionSpecError(`not a TCP port: ${route.port}`, { route });
    const owner = seen.get(route.port);
    if (owner !== undefined && owner !== route.address) {
      throw new PartitionSpecError(`port ${route.port} cannot belong to both ${owner} and ${route.address}`, { port: route.port, owners: [owner, route.address] });
    }
    seen.set(route.port, route.address);
  }
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(link)) throw new PartitionSpecError(`not an interface name: ${JSON.stringify(link)}`, { link });
  // Its own ports stay on the loopback device: the node's listener answers there directly.
  const rules = [...seen]
    .filter(([, address]) => address !== self)
    .sort(([a], [b]) => a - b)
    .map(([port, address]) => `\t\tip daddr ${LOOPBACK_ADDRESS} tcp dport ${port} dnat to ${address}:${port}\n`);
  return (
    resetTable(FAMILY, LOOPBACK_TABLE) +
    `table ${FAMILY} ${LOOPBACK_TABLE} {\n` +
    `\tchain output {\n` +
    `\t\ttype nat hook output priority -100; policy accept;\n` +
    rules.join("") +
    `\t}\n` +
    `\tchain postrouting {\n` +
    `\t\ttype nat hook postrouting priority 100; policy accept;\n` +
    `\t\toifname "${link}" ip saddr 127.0.0.0/8 snat to ${self}\n` +
    `\t}\n` +
    `}\n`
  );
}
