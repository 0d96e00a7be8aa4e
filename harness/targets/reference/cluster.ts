// Starts a reference-broker cluster as child processes in a run directory (one `node-N` directory
// per node with its data and log) and tears it down again: one node alone, N combined
// broker+controller nodes, or N brokers beside M dedicated controllers, every node talking to the
// others only over TCP — optionally each node in its own network namespace, so that brokers can be
// partitioned from each other. Ready once every node printed its ready line and every broker's
// metadata lists every broker.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { StartupError } from "../../errors.ts";
import type { NamespaceNetwork } from "../../net/netns/network.ts";
import { assertPortsFree, LOOPBACK } from "../../proc/ports.ts";
import { createClusterNetwork, inNodeNamespace } from "../namespaces.ts";
import type { ClusterNetworking } from "../placement.ts";
import type { Cluster, ClientSecurity } from "../target.ts";
import { ReferenceNode } from "./node.ts";
import { waitForMetadataAgreement } from "./readiness.ts";
import { referenceTestSettings, type ReferenceConfigEntry } from "./test-settings.ts";
import { placeInNamespaces, planReferenceCluster, type ReferenceClusterPlan } from "./topology.ts";

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
  /** Settings of one node (its rack, say), applied after `config`. */
  nodeConfig?: (nodeId: number) => readonly ReferenceConfigEntry[];
  /**
   * "namespaces": each node in its own network namespace, the quorum on the namespace addresses,
   * each broker's 127.0.0.1:port meaning that broker everywhere (default "loopback").
   */
  network?: ClusterNetworking;
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
    /** The nodes' network namespaces; undefined when they run in the root namespace. */
    readonly brokerNetwork: NamespaceNetwork | undefined,
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
   * Brokers first (their controlled shutdown needs the quorum, so partitions are healed before),
   * then dedicated controllers, then the namespaces. graceful=false SIGKILLs every node at once,
   * for throwaway clusters.
   */
  stop(options: { graceful?: boolean } = {}): Promise<void> {
    this.stopping ??= (async () => {
      try {
        if (options.graceful === false) {
          await Promise.all(this.nodes.map((node) => node.kill()));
          return;
        }
        await this.brokerNetwork?.heal();
        await Promise.all(this.brokers().map((node) => node.stop()));
        await Promise.all(this.controllers().filter((node) => !node.roles.includes("broker")).map((node) => node.stop()));
      } finally {
        await this.brokerNetwork?.teardown();
      }
    })();
    return this.stopping;
  }
}

export async function startReferenceCluster(options: ReferenceClusterOptions): Promise<ReferenceCluster> {
  const planned = planReferenceCluster({ brokers: options.nodes, ...(options.controllers !== undefined ? { controllers: options.controllers } : {}), basePort: options.basePort });
  await assertPortsFree(planned.ports);
  const runDir = resolve(options.runDir);
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const config = [...referenceTestSettings(options.nodes), ...(options.config ?? [])];
  const brokerNetwork = options.network === "namespaces" ? await createClusterNetwork(planned.nodes.map((node) => node.nodeId), options.onProgress) : undefined;
  const plan = brokerNetwork !== undefined ? placeInNamespaces(planned, new Map(brokerNetwork.nodes.map((node) => [node.nodeId, node.address]))) : planned;
  const nodes: ReferenceNode[] = [];
  try {
    if (brokerNetwork !== undefined) await exposeBrokers(brokerNetwork, plan);
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
          config: [...config, ...(options.nodeConfig?.(node.nodeId) ?? [])],
          startTimeoutMs,
          ...(options.env !== undefined ? { env: options.env } : {}),
          ...(brokerNetwork !== undefined ? { inNamespace: inNodeNamespace(brokerNetwork, node.nodeId) } : {}),
        }),
      );
    }
    const shape = options.controllers !== undefined ? `${options.nodes} broker(s) and ${options.controllers} controller(s)` : `${nodes.length} node(s)`;
    options.onProgress?.(`starting ${shape} of the reference broker in ${runDir} on ${LOOPBACK}${brokerNetwork !== undefined ? ", each in its own network namespace" : ""}`);
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
      throw failure;
    }
    return new ReferenceCluster(runDir, nodes, plan, brokerNetwork);
  } catch (error) {
    try {
      await Promise.all(nodes.map((node) => node.kill()));
    } finally {
      await brokerNetwork?.teardown();
    }
    throw error;
  }
}

/**
 * Each broker's client port on 127.0.0.1 leads to that broker, in the root namespace (a forward)
 * and in every node's namespace (NAT): what the brokers advertise works for clients and peers.
 */
async function exposeBrokers(network: NamespaceNetwork, plan: ReferenceClusterPlan): Promise<void> {
  const owners = plan.nodes.flatMap((node) => (node.clientPort !== undefined ? [{ nodeId: node.nodeId, port: node.clientPort }] : []));
  await network.shareLoopbackPorts(owners);
  for (const { nodeId, port } of owners) await network.forward(nodeId, port, { targetHost: LOOPBACK, listenPort: port });
}
