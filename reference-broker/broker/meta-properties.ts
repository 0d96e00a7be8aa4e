// The identity of a data directory, in Kafka's meta.properties form: which cluster and which node
// it belongs to. A directory of another node or cluster is refused instead of being mixed up.
import { readWholeFile, writeFileAtomically, type Disk } from "../io/disk.ts";
import { randomUuid } from "../protocol/uuid.ts";
import { NodeStartError } from "./errors.ts";

export interface MetaProperties {
  clusterId: string;
  nodeId: number;
}

const FILE = "meta.properties";

export function formatMetaProperties(meta: MetaProperties): string {
  return `#Written by the kconform reference broker\nversion=1\ncluster.id=${meta.clusterId}\nnode.id=${meta.nodeId}\n`;
}

/** undefined when a required key is missing or malformed. */
export function parseMetaProperties(text: string): MetaProperties | undefined {
  const entries = new Map<string, string>();
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq > 0) entries.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  const clusterId = entries.get("cluster.id");
  const nodeId = entries.get("node.id");
  if (!clusterId || nodeId === undefined || !/^\d+$/.test(nodeId)) return undefined;
  return { clusterId, nodeId: Number(nodeId) };
}

/**
 * Reads the data directory's identity, or writes one for a blank directory (with `clusterId`, or a
 * fresh one). Throws NodeStartError when the directory belongs to another node or cluster.
 */
export function loadOrCreateMetaProperties(disk: Disk, dataDir: string, nodeId: number, clusterId?: string): MetaProperties {
  disk.mkdirs(dataDir);
  const text = readWholeFile(disk, `${dataDir}/${FILE}`)?.toString("utf8");
  if (text === undefined) {
    const meta = { clusterId: clusterId ?? randomUuid(), nodeId };
    writeFileAtomically(disk, dataDir, FILE, Buffer.from(formatMetaProperties(meta)));
    return meta;
  }
  const meta = parseMetaProperties(text);
  if (!meta) throw new NodeStartError(`${dataDir}/${FILE} is malformed; refusing to guess which node it belongs to`, "bad-meta-properties", { dataDir });
  if (meta.nodeId !== nodeId) {
    throw new NodeStartError(`${dataDir} belongs to node ${meta.nodeId}, not to node ${nodeId}`, "node-id-mismatch", { dataDir, stored: meta.nodeId, nodeId });
  }
  if (clusterId !== undefined && meta.clusterId !== clusterId) {
    throw new NodeStartError(`${dataDir} belongs to cluster ${meta.clusterId}, not to cluster ${clusterId}`, "cluster-id-mismatch", { dataDir, stored: meta.clusterId, clusterId });
  }
  return meta;
}
