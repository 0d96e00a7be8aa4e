// nftables scripts that realise a grudge inside each node's namespace. Pure text: every script
// replaces our own table atomically, so applying one never depends on what was applied before.
import { PartitionSpecError, type Grudge, type NodeId } from "./grudge.ts";

/** Our table; the only one we ever create, and only inside namespaces we made. */
export const NFT_TABLE = "kconform";
export const NFT_FAMILY = "inet";

/**
 * Script lines that remove a table whether or not it exists (declaring it first makes the delete
 * succeed); `nft -f` runs a whole script as one transaction, so what follows replaces it atomically.
 */
export function resetTable(family: string, table: string): string {
  return `table ${family} ${table} {\n}\ndelete table ${family} ${table}\n`;
}

const RESET = resetTable(NFT_FAMILY, NFT_TABLE);

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Dotted-quad IPv4 only: the one shape of address we ever write into a script. */
export function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

/** Removes our table: the namespace accepts everything again. */
export function healScript(): string {
  return RESET;
}

/** Replaces our table with one that drops every IPv4 packet arriving from `sources`. */
export function dropFromScript(sources: readonly string[]): string {
  if (sources.length === 0) return RESET;
  for (const source of sources) {
    if (!isIPv4(source)) throw new PartitionSpecError(`not an IPv4 address: ${JSON.stringify(source)}`, { sources });
  }
  const set = [...new Set(sources)].sort().join(", ");
  return (
    RESET +
    `table ${NFT_FAMILY} ${NFT_TABLE} {\n` +
    `\tchain input {\n` +
    `\t\ttype filter hook input priority filter; policy accept;\n` +
    `\t\tip saddr { ${set} } drop\n` +
    `\t}\n` +
    `}\n`
  );
}

/**
 * One script per node of the network: the drop rules of its grudge, or a heal for nodes the grudge
 * leaves alone, so the whole network moves to exactly this partition.
 */
export function partitionScripts(grudge: Grudge, addresses: ReadonlyMap<NodeId, string>): Map<NodeId, string> {
  for (const [node, dropped] of grudge) {
    for (const id of [node, ...dropped]) {
      if (!addresses.has(id)) {
        throw new PartitionSpecError(`node ${id} is not part of this network`, { node: id, nodes: [...addresses.keys()] });
      }
    }
    if (dropped.has(node)) throw new PartitionSpecError(`node ${node} cannot drop its own packets`, { node });
  }
  const scripts = new Map<NodeId, string>();
  for (const node of addresses.keys()) {
    const dropped = [...(grudge.get(node) ?? [])].map((id) => addresses.get(id) as string);
    scripts.set(node, dropFromScript(dropped));
  }
  return scripts;
}
