// Starts a reference-broker cluster as child processes in a run directory (one `node-N` directory
// per node with its data and log) and tears it down again. One node for now: multi-node clusters
// (replication, controller quorum) are issue 4.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { CouldNotRunError } from "../../errors.ts";
import { assertPortsFree, LOOPBACK, validatePortRange } from "../../proc/ports.ts";
import type { Cluster, ClientSecurity } from "../target.ts";
import { ReferenceNode } from "./node.ts";
import { referenceTestSettings, type ReferenceConfigEntry } from "./test-settings.ts";

export interface ReferenceClusterOptions {
  nodes: number;
  /** Dedicated controllers (split topology): issue 4, refused for now. */
  controllers?: number;
  /** Client port of node 1 (node N listens on basePort + N - 1). */
  basePort: number;
  /** Holds every node's data and log; reusing it keeps the data. */
  runDir: string;
  /** Broker settings for every node; they override kconform's test settings. */
  config?: readonly ReferenceConfigEntry[];
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  onProgress?: (message: string) => void;
}

const DEFAULT_START_TIMEOUT_MS = 30_000;

export class ReferenceCluster implements Cluster {
  readonly target = "reference" as const;
  readonly owned = true;
  readonly security: ClientSecurity = {};
  readonly bootstrap: readonly string[];
  private stopping: Promise<void> | undefined;

  constructor(
    readonly runDir: string,
    readonly nodes: readonly ReferenceNode[],
  ) {
    this.bootstrap = nodes.map((node) => node.clientAddress);
  }

  /** graceful=false SIGKILLs every node at once, for throwaway clusters. */
  stop(options: { graceful?: boolean } = {}): Promise<void> {
    this.stopping ??= Promise.all(this.nodes.map((node) => (options.graceful === false ? node.kill() : node.stop()))).then(() => undefined);
    return this.stopping;
  }
}

export async function startReferenceCluster(options: ReferenceClusterOptions): Promise<ReferenceCluster> {
  if (options.nodes !== 1 || options.controllers !== undefined) {
    throw new CouldNotRunError(
      `multi-node reference clusters are not available yet (asked for ${options.nodes} node(s)${options.controllers !== undefined ? ` and ${options.controllers} controller(s)` : ""}): replication and the controller quorum are issue 4; use --nodes 1`,
      "reference-multi-node",
      { nodes: options.nodes, controllers: options.controllers },
    );
  }
  validatePortRange(options.basePort, options.nodes);
  await assertPortsFree(Array.from({ length: options.nodes }, (_, i) => ({ port: options.basePort + i, purpose: `reference node ${i + 1} client listener` })));
  const runDir = resolve(options.runDir);
  const config = [...referenceTestSettings(options.nodes), ...(options.config ?? [])];
  const nodes: ReferenceNode[] = [];
  for (let nodeId = 1; nodeId <= options.nodes; nodeId++) {
    const dir = join(runDir, `node-${nodeId}`);
    await mkdir(dir, { recursive: true });
    nodes.push(
      new ReferenceNode({
        nodeId,
        port: options.basePort + nodeId - 1,
        dataDir: join(dir, "data"),
        logFile: join(dir, "server.log"),
        config,
        startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
        ...(options.env !== undefined ? { env: options.env } : {}),
      }),
    );
  }
  options.onProgress?.(`starting ${nodes.length} reference node(s) in ${runDir} on ${LOOPBACK}`);
  const starts = nodes.map((node) => node.start());
  const failure = await Promise.all(starts).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (failure !== undefined) {
    await Promise.allSettled(starts);
    await Promise.all(nodes.map((node) => node.kill()));
    throw failure;
  }
  return new ReferenceCluster(runDir, nodes);
}
