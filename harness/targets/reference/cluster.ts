// Starts a reference-broker cluster as child processes in a run directory (one `node-N` directory
// per node with its data and log) and tears it down again: one node alone, N combined
// broker+controller nodes, or N brokers beside M dedicated controllers, every node talking to the
// others only over TCP. Ready once every node printed its ready line and every broker's metadata
// lists every broker.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { StartupError } from "../../errors.ts";
import { assertPortsFree, LOOPBACK } from "../../proc/ports.ts";
import type { Cluster, ClientSecurity } from "../target.ts";
import { ReferenceNode } from "./node.ts";
import { waitForMetadataAgreement } from "./readiness.ts";
import { referenceTestSettings, type ReferenceConfigEntry } from "./test-settings.ts";
import { planReferenceCluster, type ReferenceClusterPlan } from "./topology.ts";

export interface ReferenceClusterOptions {
  /** Brokers: combined broker+controller nodes, or brokers beside `controllers`. */
  nodes: number;
  /** Dedicated controllers (split topology). */
  controllers?: number;
  /** Client port of broker 1 (broker N listens on basePort + N - 1); controller listeners follow. */
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
    readonly plan: ReferenceClusterPlan,
  ) {
    this.bootstrap = plan.bootstrap;
  }

  brokers(): ReferenceNode[] {
    return this.nodes.filter((node) => node.roles.includes("broker"));
  }

  controllers(): ReferenceNode[] {
    return this.nodes.filter((node) => node.roles.includes("controller"));
  }

  /**
   * Brokers first (their controlled shutdown needs the quorum), then dedicated controllers.
   * graceful=false SIGKILLs every node at once, for throwaway clusters.
   */
  stop(options: { graceful?: boolean } = {}): Promise<void> {
    this.stopping ??= (async () => {
      if (options.graceful === false) {
        await Promise.all(this.nodes.map((node) => node.kill()));
        return;
      }
      await Promise.all(this.brokers().map((node) => node.stop()));
      await Promise.all(this.controllers().filter((node) => !node.roles.includes("broker")).map((node) => node.stop()));
    })();
    return this.stopping;
  }
}

export async function startReferenceCluster(options: ReferenceClusterOptions): Promise<ReferenceCluster> {
  const plan = planReferenceCluster({ brokers: options.nodes, ...(options.controllers !== undefined ? { controllers: options.controllers } : {}), basePort: options.basePort });
  await assertPortsFree(plan.ports);
  const runDir = resolve(options.runDir);
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const config = [...referenceTestSettings(options.nodes), ...(options.config ?? [])];
  const nodes: ReferenceNode[] = [];
  for (const node of plan.nodes) {
    const dir = join(runDir, `node-${node.nodeId}`);
    await mkdir(dir, { recursive: true });
    nodes.push(
      new ReferenceNode({
        nodeId: node.nodeId,
        roles: node.roles,
        ...(node.clientPort !== undefined ? { port: node.clientPort } : {}),
        ...(plan.voters !== undefined ? { peers: plan.voters } : {}),
        dataDir: join(dir, "data"),
        logFile: join(dir, "server.log"),
        config,
        startTimeoutMs,
        ...(options.env !== undefined ? { env: options.env } : {}),
      }),
    );
  }
  const shape = options.controllers !== undefined ? `${options.nodes} broker(s) and ${options.controllers} controller(s)` : `${nodes.length} node(s)`;
  options.onProgress?.(`starting ${shape} of the reference broker in ${runDir} on ${LOOPBACK}`);
  const starts = nodes.map((node) => node.start());
  const failure = await Promise.all(starts).then(
    async () => {
      const brokerIds = plan.nodes.filter((node) => node.roles.includes("broker")).map((node) => node.nodeId);
      const missing = await waitForMetadataAgreement(plan.bootstrap, brokerIds, startTimeoutMs);
      if (missing === undefined) return undefined;
      return new StartupError(`the reference brokers did not agree on the cluster's brokers within ${startTimeoutMs / 1000} s: ${missing}`, "reference-metadata-disagrees", { runDir });
    },
    (error: unknown) => error,
  );
  if (failure !== undefined) {
    await Promise.allSettled(starts);
    await Promise.all(nodes.map((node) => node.kill()));
    throw failure;
  }
  return new ReferenceCluster(runDir, nodes, plan);
}
