// Starts a real Apache Kafka cluster (KRaft, combined or split topology) as child processes, with
// Toxiproxy in front of every broker's client listener, optionally each node in its own network
// namespace (so brokers can be partitioned from each other), and tears all of it down again.
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ensureToxiproxyServer } from "../../net/toxiproxy/binary.ts";
import { ToxiproxyNetwork, type ProxyRoute } from "../../net/toxiproxy/network.ts";
import type { NamespaceNetwork } from "../../net/netns/network.ts";
import { CouldNotRunError, StartupError } from "../../errors.ts";
import { assertPortsFree, LOOPBACK } from "../../proc/ports.ts";
import { createClusterNetwork, inNodeNamespace } from "../namespaces.ts";
import type { ClusterNetworking } from "../placement.ts";
import type { Cluster, ClientSecurity } from "../target.ts";
import { ensureKafkaJars } from "./distribution.ts";
import { requireJava } from "./java.ts";
import { KafkaNode } from "./node.ts";
import { log4j2Properties, serverProperties, type ConfigOverride } from "./properties.ts";
import { waitForBrokers } from "./readiness.ts";
import { newClusterId } from "./storage.ts";
import { placeInNamespaces, planKafkaCluster, type KafkaClusterPlan } from "./topology.ts";

export interface KafkaClusterOptions {
  /** Broker count: combined broker+controller nodes, or brokers beside `controllers`. */
  nodes: number;
  /** Dedicated controller count (split topology). */
  controllers?: number;
  basePort: number;
  /** Holds every node's config, data and log; reusing it keeps the cluster id and data. */
  runDir: string;
  /** Front each broker with a Toxiproxy proxy (default true). */
  proxied?: boolean;
  /**
   * "namespaces": each node in its own network namespace, inter-broker and controller traffic on
   * the namespace addresses, client listeners forwarded to 127.0.0.1 (default "loopback").
   */
  network?: ClusterNetworking;
  /** Extra server.properties settings for every node; they override kconform's defaults. */
  config?: readonly ConfigOverride[];
  /** Settings of one node (its rack, say), applied after `config`. */
  nodeConfig?: (nodeId: number) => readonly ConfigOverride[];
  /** JVM heap per node, e.g. "512m". */
  heap?: string;
  jvmArgs?: readonly string[];
  /** Bound on each phase of startup: a node reporting started, then all brokers registered. */
  startTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

const DEFAULT_START_TIMEOUT_MS = 120_000;
const proxyNameOf = (nodeId: number) => `kafka-${nodeId}`;

export class KafkaCluster implements Cluster {
  readonly target = "kafka" as const;
  readonly owned = true;
  readonly security: ClientSecurity = {};
  readonly bootstrap: readonly string[];
  private stopping: Promise<void> | undefined;

  constructor(
    readonly plan: KafkaClusterPlan,
    readonly clusterId: string,
    readonly runDir: string,
    readonly nodes: readonly KafkaNode[],
    /** The Toxiproxy server fronting the brokers; undefined when started without proxies. */
    readonly network: ToxiproxyNetwork | undefined,
    /** The nodes' network namespaces; undefined when they run in the root namespace. */
    readonly brokerNetwork: NamespaceNetwork | undefined,
  ) {
    this.bootstrap = plan.bootstrap;
  }

  brokers(): KafkaNode[] {
    return this.nodes.filter((node) => node.roles.includes("broker"));
  }

  controllers(): KafkaNode[] {
    return this.nodes.filter((node) => node.roles.includes("controller"));
  }

  node(nodeId: number): KafkaNode {
    const node = this.nodes.find((candidate) => candidate.nodeId === nodeId);
    if (node === undefined) {
      throw new CouldNotRunError(`no kafka node ${nodeId}; nodes are ${this.nodes.map((n) => n.nodeId).join(", ")}`, "unknown-node", { nodeId });
    }
    return node;
  }

  /**
   * Brokers first (their controlled shutdown needs the quorum, so partitions are healed before),
   * then controllers, then Toxiproxy and the namespaces. graceful=false SIGKILLs everything at
   * once, for throwaway clusters.
   */
  stop(options: { graceful?: boolean } = {}): Promise<void> {
    this.stopping ??= (async () => {
      const halt = (node: KafkaNode) => (options.graceful === false ? node.kill() : node.stop());
      const brokerOnly = this.nodes.filter((node) => !node.roles.includes("controller"));
      try {
        if (options.graceful !== false) await this.brokerNetwork?.heal();
        await Promise.all(brokerOnly.map(halt));
        await Promise.all(this.controllers().map(halt));
        await this.network?.stop();
      } finally {
        await this.brokerNetwork?.teardown();
      }
    })();
    return this.stopping;
  }
}

async function clusterIdFor(runDir: string): Promise<string> {
  const file = join(runDir, "cluster-id");
  if (existsSync(file)) return (await readFile(file, "utf8")).trim();
  const id = newClusterId();
  await writeFile(file, `${id}\n`);
  return id;
}

export async function startKafkaCluster(options: KafkaClusterOptions): Promise<KafkaCluster> {
  const env = options.env ?? process.env;
  const proxied = options.proxied ?? true;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const planned = planKafkaCluster({
    brokers: options.nodes,
    ...(options.controllers !== undefined ? { controllers: options.controllers } : {}),
    basePort: options.basePort,
    proxied,
  });
  const java = await requireJava(env);
  // Before the downloads, so a taken port fails in milliseconds rather than after a cold build.
  await assertPortsFree(planned.ports);
  const cache = { cacheDir: options.cacheDir, env, onProgress: options.onProgress };
  // Concurrently: on a cold cache Maven mostly waits on the network while Go compiles.
  const [{ distribution }, toxiproxy] = await Promise.all([ensureKafkaJars(cache), proxied ? ensureToxiproxyServer(cache) : undefined]);

  const runDir = resolve(options.runDir);
  await mkdir(runDir, { recursive: true });
  const clusterId = await clusterIdFor(runDir);
  const log4jConfig = join(runDir, "log4j2.properties");
  await writeFile(log4jConfig, log4j2Properties());

  const brokerNetwork = options.network === "namespaces" ? await createClusterNetwork(planned.nodes.map((node) => node.nodeId), options.onProgress) : undefined;
  const plan = brokerNetwork !== undefined ? placeInNamespaces(planned, new Map(brokerNetwork.nodes.map((node) => [node.nodeId, node.address]))) : planned;
  const nodes: KafkaNode[] = [];
  let network: ToxiproxyNetwork | undefined;
  const teardown = async () => {
    try {
      await Promise.all(nodes.map((node) => node.kill()));
      await network?.stop();
    } finally {
      await brokerNetwork?.teardown();
    }
  };
  try {
    const routes: ProxyRoute[] = [];
    for (const nodePlan of plan.nodes) {
      const dir = join(runDir, `node-${nodePlan.nodeId}`);
      const dataDir = join(dir, "data");
      const propertiesFile = join(dir, "server.properties");
      await mkdir(dir, { recursive: true });
      await writeFile(propertiesFile, serverProperties(plan, nodePlan, dataDir, [...(options.config ?? []), ...(options.nodeConfig?.(nodePlan.nodeId) ?? [])]));
      const { advertised, client } = nodePlan.ports;
      const proxyName = proxied && advertised !== undefined && client !== undefined ? proxyNameOf(nodePlan.nodeId) : undefined;
      if (proxyName !== undefined) routes.push({ name: proxyName, listen: `${LOOPBACK}:${advertised}`, upstream: `${LOOPBACK}:${client}` });
      // The client listener is on the namespace's own 127.0.0.1; the same port in the root namespace leads there.
      if (brokerNetwork !== undefined && client !== undefined) await brokerNetwork.forward(nodePlan.nodeId, client, { targetHost: LOOPBACK, listenPort: client });
      nodes.push(
        new KafkaNode({
          nodeId: nodePlan.nodeId,
          roles: nodePlan.roles,
          dataDir,
          propertiesFile,
          logFile: join(dir, "server.log"),
          log4jConfig,
          clusterId,
          java: java.path,
          distribution,
          heap: options.heap ?? "512m",
          jvmArgs: options.jvmArgs ?? [],
          env,
          startTimeoutMs,
          ...(advertised !== undefined ? { clientAddress: `${LOOPBACK}:${advertised}` } : {}),
          ...(proxyName !== undefined ? { proxyName } : {}),
          ...(brokerNetwork !== undefined ? { inNamespace: inNodeNamespace(brokerNetwork, nodePlan.nodeId) } : {}),
        }),
      );
    }

    if (toxiproxy !== undefined && plan.toxiproxyPort !== undefined) {
      options.onProgress?.(`starting toxiproxy on ${LOOPBACK}:${plan.toxiproxyPort}`);
      network = await ToxiproxyNetwork.start({ binary: toxiproxy.path, port: plan.toxiproxyPort, logFile: join(runDir, "toxiproxy.log"), env, startTimeoutMs });
      for (const route of routes) await network.addProxy(route);
    }
    options.onProgress?.(`starting ${nodes.length} kafka nodes in ${runDir}`);
    // All at once: combined nodes cannot report started until a quorum of them is up.
    const starts = nodes.map((node) => node.start());
    const failure = await Promise.all(starts).then(
      () => undefined,
      (error: unknown) => error,
    );
    if (failure !== undefined) {
      await teardown();
      await Promise.allSettled(starts);
      throw failure;
    }
    const brokers = nodes.filter((node) => node.roles.includes("broker"));
    const view = await waitForBrokers(plan.bootstrap, brokers.map((node) => node.nodeId), startTimeoutMs);
    if (view.outcome === "timeout") {
      const missing = brokers.filter((node) => !view.seen.some((broker) => broker.nodeId === node.nodeId));
      const seen = `[${view.seen.map((broker) => broker.nodeId).join(", ")}]`;
      const expected = `[${brokers.map((node) => node.nodeId).join(", ")}]`;
      const lastError = view.lastError !== undefined ? ` (last error: ${view.lastError})` : "";
      const tails = missing.map((node) => `--- ${node.name} (${node.logFile}):\n${node.logTail()}`);
      throw new StartupError(
        [`every kafka node reported started, but after ${startTimeoutMs / 1000} s an admin client at ${plan.bootstrap.join(",")} sees brokers ${seen}, not ${expected}${lastError}`, ...tails].join("\n"),
        "kafka-brokers-not-registered",
        { bootstrap: plan.bootstrap, seen: view.seen, missing: missing.map((node) => node.nodeId) },
      );
    }
    return new KafkaCluster(plan, clusterId, runDir, nodes, network, brokerNetwork);
  } catch (error) {
    await teardown();
    throw error;
  }
}
