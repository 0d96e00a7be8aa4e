// A private network for one cluster: a namespace per node, joined by veth pairs to a bridge that
// lives in a hub namespace. Nothing is added to the root namespace; partitions are nftables rules
// inside the node namespaces, and teardown removes every namespace (and with it every link) we made.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomInt } from "node:crypto";
import { runCommand, inNamespace, type CommandLine } from "./command.ts";
import { forwardIntoNamespace, type NamespaceForward } from "./forward.ts";
import { PartitionSpecError, type Grudge, type NodeId } from "./grudge.ts";
import { NETNS_PREFIX, SUBNET_PREFIX_LENGTH, namespaceName, newRunId, nodeAddress, nodeRole, parseNamespaceName } from "./names.ts";
import { healScript, partitionScripts } from "./nft.ts";
import { loopbackScript, ROUTE_LOCALNET } from "./loopback.ts";

export interface NamespaceNode {
  readonly nodeId: NodeId;
  readonly namespace: string;
  /** The node's IPv4 address on the bridge; exists only inside this network's namespaces. */
  readonly address: string;
}

export interface NamespaceNetworkOptions {
  /** One namespace each, named `kc-<runId>-n<nodeId>`; runId is `<our pid>-<nonce>`. */
  readonly nodeIds: readonly NodeId[];
}

const BRIDGE = "br0";
const NODE_LINK = "eth0";

function ip(...args: string[]): CommandLine {
  return { command: "ip", args };
}

/** Names of all network namespaces on the machine. */
export async function listNamespaces(): Promise<string[]> {
  const out = await runCommand(ip("netns", "list"));
  // Lines look like "kc-12-ab-n1 (id: 3)" or just the name.
  return out.split("\n").map((line) => line.trim().split(/\s+/)[0]).filter((name) => name.length > 0);
}

/** SIGKILLs whatever still runs inside `namespace`, then deletes it; a missing namespace is fine. */
async function deleteNamespace(namespace: string): Promise<void> {
  const pids = (await runCommand(ip("netns", "pids", namespace)).catch(() => ""))
    .split(/\s+/)
    .filter((pid) => /^\d+$/.test(pid))
    .map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if ((await listNamespaces()).includes(namespace)) await runCommand(ip("netns", "delete", namespace));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// Forwarding sockets live in mkdtemp(`kc-<runId>-`), which appends six characters.
const SOCKET_DIR_PATTERN = /^kc-(\d+)-[0-9a-f]+-[A-Za-z0-9]{6}$/;

/**
 * Removes what runs whose owner process is gone (a crashed harness) left behind: namespaces whose
 * name starts with `prefix` and follows our naming scheme, and their forwarding socket directories.
 * Returns the namespace names removed.
 */
export async function cleanupStale(prefix: string = NETNS_PREFIX): Promise<string[]> {
  const stale = (await listNamespaces()).filter((name) => {
    const parsed = parseNamespaceName(name);
    return name.startsWith(prefix) && parsed !== undefined && !isAlive(parsed.ownerPid);
  });
  // Deleting either namespace of a veth pair removes the pair, so any order works.
  for (const name of stale) await deleteNamespace(name);
  for (const entry of readdirSync(tmpdir())) {
    const owner = SOCKET_DIR_PATTERN.exec(entry);
    if (entry.startsWith(prefix) && owner && !isAlive(Number(owner[1]))) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
  }
  return stale;
}

export class NamespaceNetwork {
  readonly hub: string;
  private readonly byId: ReadonlyMap<NodeId, NamespaceNode>;
  private readonly forwards: NamespaceForward[] = [];
  private socketDir: string | undefined;
  private tornDown: Promise<void> | undefined;

  private constructor(
    readonly runId: string,
    readonly nodes: readonly NamespaceNode[],
  ) {
    this.hub = namespaceName(runId, "hub");
    this.byId = new Map(nodes.map((node) => [node.nodeId, node]));
  }

  /** Builds the network; on any failure removes whatever part of it exists and rethrows. */
  static async create(options: NamespaceNetworkOptions): Promise<NamespaceNetwork> {
    const { nodeIds } = options;
    if (nodeIds.length === 0 || new Set(nodeIds).size !== nodeIds.length || !nodeIds.every((id) => Number.isInteger(id) && id >= 0)) {
      throw new PartitionSpecError("a namespace network needs distinct non-negative integer node ids", { nodeIds });
    }
    const runId = newRunId();
    const subnetOctet = randomInt(1, 255);
    const nodes = nodeIds.map((nodeId, index) => ({
      nodeId,
      namespace: namespaceName(runId, nodeRole(nodeId)),
      address: nodeAddress(subnetOctet, index),
    }));
    const network = new NamespaceNetwork(runId, nodes);
    try {
      await network.build();
    } catch (error) {
      await network.teardown();
      throw error;
    }
    return network;
  }

  private async build(): Promise<void> {
    const hub = this.hub;
    await runCommand(ip("netns", "add", hub));
    await runCommand(ip("-n", hub, "link", "set", "lo", "up"));
    await runCommand(ip("-n", hub, "link", "add", BRIDGE, "type", "bridge"));
    await runCommand(ip("-n", hub, "link", "set", BRIDGE, "up"));
    for (const node of this.nodes) {
      const ns = node.namespace;
      const hubEnd = `vn${node.nodeId}`;
      await runCommand(ip("netns", "add", ns));
      // Created inside the hub with its peer moved straight into the node: no end ever touches the root namespace.
      await runCommand(ip("-n", hub, "link", "add", hubEnd, "type", "veth", "peer", "name", NODE_LINK, "netns", ns));
      await runCommand(ip("-n", hub, "link", "set", hubEnd, "master", BRIDGE, "up"));
      await runCommand(ip("-n", ns, "link", "set", "lo", "up"));
      await runCommand(ip("-n", ns, "addr", "add", `${node.address}/${SUBNET_PREFIX_LENGTH}`, "dev", NODE_LINK));
      await runCommand(ip("-n", ns, "link", "set", NODE_LINK, "up"));
    }
  }

  node(nodeId: NodeId): NamespaceNode {
    const node = this.byId.get(nodeId);
    if (!node) throw new PartitionSpecError(`node ${nodeId} is not part of network ${this.runId}`, { nodeId, runId: this.runId });
    return node;
  }

  /** The command line that runs `command args...` inside the node's namespace (for spawn). */
  commandIn(nodeId: NodeId, command: string, args: readonly string[] = []): CommandLine {
    return inNamespace(this.node(nodeId).namespace, command, args);
  }

  /** Moves the whole network to exactly this partition (nodes absent from the grudge are healed). */
  async partition(grudge: Grudge): Promise<void> {
    const addresses = new Map(this.nodes.map((node) => [node.nodeId, node.address]));
    const scripts = partitionScripts(grudge, addresses);
    await Promise.all([...scripts].map(([nodeId, script]) => this.nft(nodeId, script)));
  }

  /** Removes every partition rule: all nodes reach each other again. */
  async heal(): Promise<void> {
    await Promise.all(this.nodes.map((node) => this.nft(node.nodeId, healScript())));
  }

  private async nft(nodeId: NodeId, script: string): Promise<void> {
    await runCommand(this.commandIn(nodeId, "nft", ["-f", "-"]), { input: script });
  }

  /**
   * Makes 127.0.0.1:<port> mean its owning node in every node's namespace too, as forwards make it
   * mean in the root namespace: one address per node that clients and peers alike can use. Peers
   * arrive from the node's bridge address, so partitions cut this path like any other.
   */
  async shareLoopbackPorts(owners: readonly { nodeId: NodeId; port: number }[]): Promise<void> {
    const routes = owners.map(({ nodeId, port }) => ({ port, address: this.node(nodeId).address }));
    const scripts = this.nodes.map((node) => [node.nodeId, loopbackScript(node.address, NODE_LINK, routes)] as const);
    for (const [nodeId, script] of scripts) {
      await runCommand(this.commandIn(nodeId, "sysctl", ["-qw", `${ROUTE_LOCALNET}=1`]));
      await this.nft(nodeId, script);
    }
  }

  /**
   * Makes `targetPort` of the node (on its bridge address, or `targetHost` inside its namespace)
   * reachable at 127.0.0.1:<returned port> in the root namespace. Closed by teardown.
   */
  async forward(nodeId: NodeId, targetPort: number, options: { targetHost?: string; listenPort?: number } = {}): Promise<NamespaceForward> {
    const node = this.node(nodeId);
    this.socketDir ??= mkdtempSync(join(tmpdir(), `${NETNS_PREFIX}${this.runId}-`));
    const forward = await forwardIntoNamespace({
      namespace: node.namespace,
      targetHost: options.targetHost ?? node.address,
      targetPort,
      socketPath: join(this.socketDir, `n${nodeId}-${targetPort}-${this.forwards.length}.sock`),
      listenPort: options.listenPort,
    });
    this.forwards.push(forward);
    return forward;
  }

  /**
   * Closes forwards, kills what still runs in our namespaces and deletes them (the veth pairs and
   * the bridge go with them). Every step is attempted even when one fails; after a failure, calling
   * again retries what is left.
   */
  teardown(): Promise<void> {
    this.tornDown ??= (async () => {
      const failures: unknown[] = [];
      const attempt = async (step: () => Promise<void>) => {
        try {
          await step();
        } catch (error) {
          failures.push(error);
        }
      };
      for (const forward of this.forwards) await attempt(() => forward.close());
      for (const node of this.nodes) await attempt(() => deleteNamespace(node.namespace));
      await attempt(() => deleteNamespace(this.hub));
      if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
      if (failures.length > 0) {
        this.tornDown = undefined;
        throw failures[0];
      }
    })();
    return this.tornDown;
  }
}
