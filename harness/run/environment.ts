// What the runner can do with a given cluster: how workers and the harness reach it, whether
// Toxiproxy fronts its brokers (client-link faults), whether they can be partitioned from each
// other (network faults). Targets differ here; this is the one place that knows how.
import type { ClientFactory, ClusterAccess } from "../clients/workload-client.ts";
import type { ToxiproxyNetwork } from "../net/toxiproxy/network.ts";
import type { BrokerNetwork, ClientLinks } from "../nemesis/fault.ts";
import { KafkaCluster } from "../targets/kafka/cluster.ts";
import type { Cluster } from "../targets/target.ts";
import type { RunEnvironment, RunObserver } from "./execute.ts";

/** Client links through a Toxiproxy server, with each node's proxy by node id. */
export function toxiproxyLinks(network: ToxiproxyNetwork, proxies: ReadonlyMap<number, string>): ClientLinks {
  return {
    proxyOf: (nodeId) => proxies.get(nodeId),
    addToxic: (proxy, spec, options) => network.addToxic(proxy, spec, options),
    down: (proxy) => network.down(proxy),
    healAll: () => network.healAll(),
  };
}

/** The Kafka target: proxies by node, and the harness's own detour around them to the real listeners. */
function kafkaCapabilities(cluster: KafkaCluster): { links?: ClientLinks; detours: Map<string, string> } {
  const detours = new Map<string, string>();
  for (const node of cluster.plan.nodes) {
    const { advertised, client } = node.ports;
    if (advertised !== undefined && client !== undefined && advertised !== client) detours.set(`127.0.0.1:${advertised}`, `127.0.0.1:${client}`);
  }
  const proxies = new Map(cluster.nodes.flatMap((node) => (node.proxyName !== undefined ? [[node.nodeId, node.proxyName] as const] : [])));
  return { ...(cluster.network !== undefined ? { links: toxiproxyLinks(cluster.network, proxies) } : {}), detours };
}

export interface EnvironmentOptions {
  clients: ClientFactory;
  /** A harness-run Toxiproxy in front of brokers the target itself does not proxy (client-proxies.ts). */
  clientProxies?: { links: ClientLinks; detours: ReadonlyMap<string, string> };
  /** Partitions between brokers; by default the cluster's own, when it runs its brokers in network namespaces. */
  network?: BrokerNetwork;
  /** Why there is no `network`: printed once when a scenario asks for a partition. */
  networkUnavailable?: string;
  observer?: RunObserver;
  say: (message: string) => void;
}

export function runEnvironment(cluster: Cluster, options: EnvironmentOptions): RunEnvironment {
  const direct: ClusterAccess = { bootstrap: cluster.bootstrap, security: cluster.security };
  const kafka = cluster instanceof KafkaCluster ? kafkaCapabilities(cluster) : undefined;
  const proxies = options.clientProxies;
  const links = kafka?.links ?? proxies?.links;
  const network = options.network ?? cluster.brokerNetwork;
  return {
    cluster,
    clients: options.clients,
    // Workers go through the proxies; the harness goes around them.
    access: proxies !== undefined ? { ...direct, detours: proxies.detours } : direct,
    adminAccess: kafka !== undefined && kafka.detours.size > 0 ? { ...direct, detours: kafka.detours } : direct,
    ...(links !== undefined ? { links } : {}),
    ...(network !== undefined ? { network } : {}),
    networkUnavailable:
      options.networkUnavailable ??
      `the ${cluster.target} target does not start its brokers in network namespaces, so they cannot be partitioned from each other (client-link faults still apply)`,
    ...(options.observer !== undefined ? { observer: options.observer } : {}),
    say: options.say,
  };
}
