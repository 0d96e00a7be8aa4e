// The `testcontainers` target: N combined KRaft nodes (apache/kafka) and one Toxiproxy on a private
// Docker network, for machines with a Docker engine. Clients reach each broker only through its
// proxy; node faults map to container operations (kill, pause, stop, remove).
//
// The nodes are GenericContainers rather than @testcontainers/kafka's KafkaContainer: that module
// (12.2) starts Confluent images only (it runs /etc/confluent/docker/run, refuses KRaft for tags
// below 7.0.0 such as "4.3.1", and hard-codes a one-voter quorum and its own advertised listener),
// so it cannot express a three-voter apache/kafka cluster behind proxies.
import { createWriteStream, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Container } from "dockerode";
import type { GenericContainer, StartedNetwork, StartedTestContainer } from "testcontainers";
import type { CreatedProxy, StartedToxiProxyContainer } from "@testcontainers/toxiproxy";
import { Kafka, logLevel } from "kafkajs";
import { CouldNotRunError, EnvironmentError, StartupError } from "../../errors.ts";
import type { Cluster, ClusterNode, NodeRole } from "../target.ts";
import { kafkaJsConfig } from "../external/kafkajs-config.ts";
import { DATA_DIR, KAFKA_IMAGE, TOXIPROXY_IMAGE, brokerAlias, brokerEnvironment, CLIENT_PORT } from "./broker-config.ts";
import { containerRuntimeSupport, type TestcontainersModules } from "./runtime.ts";

export interface TestcontainersClusterOptions {
  /** Default 3. */
  readonly nodes?: number;
  /** Where node logs go; default a fresh directory under the system temp dir. */
  readonly runDir?: string;
  /** Bound on pulling images, starting containers and the cluster seeing all brokers; default 180 s. */
  readonly startupTimeoutMs?: number;
  /** Extra broker properties for every node. */
  readonly config?: Readonly<Record<string, string>>;
  readonly kafkaImage?: string;
  readonly toxiproxyImage?: string;
}

export interface TestcontainersCluster extends Cluster {
  readonly target: "testcontainers";
  readonly owned: true;
  readonly runDir: string;
  /** Each node's proxy, by node id: toxics and enable/disable go through `instance`. */
  readonly proxies: ReadonlyMap<number, CreatedProxy>;
}

/** The Kafka server's own readiness line, the one its system tests wait for. */
const STARTED = /Kafka\s*Server.*started/;

type NodeState = "running" | "paused" | "stopped" | "wiped";

class ContainerNode implements ClusterNode {
  readonly roles: readonly NodeRole[] = ["broker", "controller"];
  readonly dataDir = DATA_DIR;
  private state: NodeState = "stopped";
  private container: StartedTestContainer | undefined;
  private hostPid: number | undefined;

  constructor(
    private readonly modules: TestcontainersModules,
    readonly nodeId: number,
    readonly logFile: string,
    readonly clientAddress: string,
    private readonly definition: GenericContainer,
    private readonly startupTimeoutMs: number,
  ) {}

  pid(): number | undefined {
    return this.state === "running" || this.state === "paused" ? this.hostPid : undefined;
  }

  isRunning(): boolean {
    return this.state === "running";
  }

  private async docker(): Promise<{ client: import("testcontainers").ContainerRuntimeClient; container: Container }> {
    if (!this.container) throw new CouldNotRunError(`node ${this.nodeId} has no container`, "node-not-created", { nodeId: this.nodeId });
    const client = await this.modules.core.getContainerRuntimeClient();
    return { client, container: client.container.getById(this.container.getId()) };
  }

  private capture(logs: Readable): void {
    logs.pipe(createWriteStream(this.logFile, { flags: "a" }));
  }

  /** First start, and every start after a wipe: a new container from the definition. */
  async create(timeoutMs: number = this.startupTimeoutMs): Promise<void> {
    this.container = await this.definition
      .withStartupTimeout(timeoutMs)
      .withLogConsumer((logs) => this.capture(logs))
      .start();
    await this.afterStart();
  }

  private async afterStart(): Promise<void> {
    const { client, container } = await this.docker();
    this.hostPid = (await client.container.inspect(container)).State.Pid;
    this.state = "running";
  }

  async start(): Promise<void> {
    if (this.state === "running" || this.state === "paused") return;
    if (this.state === "wiped") return this.create();
    const { client, container } = await this.docker();
    await client.container.start(container);
    const startedAt = new Date((await client.container.inspect(container)).State.StartedAt);
    this.capture(await client.container.logs(container, { since: startedAt.getTime() / 1000 }));
    const { Wait, BoundPorts, waitForContainer } = this.modules.core;
    await waitForContainer(client, container, Wait.forLogMessage(STARTED).withStartupTimeout(this.startupTimeoutMs), new BoundPorts(), startedAt);
    await this.afterStart();
  }

  async kill(): Promise<void> {
    if (this.state === "stopped" || this.state === "wiped") return;
    const { container } = await this.docker();
    // Docker refuses to kill a paused container.
    if (this.state === "paused") await container.unpause();
    await container.kill({ signal: "SIGKILL" });
    await container.wait();
    this.state = "stopped";
  }

  async pause(): Promise<void> {
    if (this.state !== "running") throw new CouldNotRunError(`node ${this.nodeId} is ${this.state}, not running: cannot pause it`, "node-not-running", { nodeId: this.nodeId });
    await (await this.docker()).container.pause();
    this.state = "paused";
  }

  async resume(): Promise<void> {
    if (this.state !== "paused") return;
    await (await this.docker()).container.unpause();
    this.state = "running";
  }

  async stop(): Promise<void> {
    if (this.state === "stopped" || this.state === "wiped") return;
    const { client, container } = await this.docker();
    if (this.state === "paused") await container.unpause();
    // docker stop: SIGTERM, then SIGKILL after the timeout (testcontainers takes milliseconds).
    await client.container.stop(container, { timeout: 30_000 });
    this.state = "stopped";
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Removes the container and its data volume; the next start creates a fresh, empty node. */
  async wipe(): Promise<void> {
    if (this.state === "wiped") return;
    if (this.state !== "stopped") {
      throw new CouldNotRunError(`node ${this.nodeId} is ${this.state}: stop or kill it before wiping its data`, "node-running", { nodeId: this.nodeId });
    }
    const { client, container } = await this.docker();
    await client.container.remove(container, { removeVolumes: true });
    this.state = "wiped";
  }

  /** Teardown: remove the container whatever its state. */
  async remove(): Promise<void> {
    if (!this.container || this.state === "wiped") return;
    if (this.state === "paused") await (await this.docker()).container.unpause();
    await this.container.stop({ remove: true, removeVolumes: true, timeout: 0 });
    this.state = "wiped";
  }
}

async function waitForBrokers(cluster: Pick<Cluster, "bootstrap" | "security">, expected: number, deadline: number): Promise<void> {
  const admin = new Kafka(kafkaJsConfig(cluster, { clientId: "kconform-readiness", logLevel: logLevel.NOTHING, retry: { retries: 0 } })).admin();
  let seen = 0;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        await admin.connect();
        seen = (await admin.describeCluster()).brokers.length;
        if (seen === expected) return;
      } catch (error) {
        lastError = error;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  throw new StartupError(
    `the containerised cluster did not show ${expected} brokers through Toxiproxy in time (saw ${seen})${lastError ? `: ${(lastError as Error).message}` : ""}`,
    "not-ready",
    { bootstrap: cluster.bootstrap, expected, seen },
  );
}

/**
 * Starts the cluster: network, Toxiproxy with one proxy per node, then all nodes at once (a KRaft
 * quorum forms only when a majority is up), then waits until clients see every broker through
 * the proxies. On failure removes everything it started.
 */
export async function startTestcontainersCluster(options: TestcontainersClusterOptions = {}): Promise<TestcontainersCluster> {
  const count = options.nodes ?? 3;
  if (!Number.isInteger(count) || count < 1 || count > 32) {
    throw new CouldNotRunError(`--nodes must be an integer from 1 to 32 for the testcontainers target (one Toxiproxy port each), got ${count}`, "bad-option", { nodes: count });
  }
  const support = await containerRuntimeSupport();
  if (!support.ok) throw new EnvironmentError(`the testcontainers target cannot run here: ${support.reason}`, "no-container-runtime", {});
  const { core, toxiproxy: toxiproxyModule } = support.modules;
  const startupTimeoutMs = options.startupTimeoutMs ?? 180_000;
  const deadline = Date.now() + startupTimeoutMs;
  const runDir = options.runDir ?? mkdtempSync(join(tmpdir(), "kconform-testcontainers-"));
  mkdirSync(runDir, { recursive: true });
  const nodeIds = Array.from({ length: count }, (_, i) => i + 1);

  let network: StartedNetwork | undefined;
  let toxiproxy: StartedToxiProxyContainer | undefined;
  const nodes: ContainerNode[] = [];
  // Every step is attempted; the containers must be gone before the network can be removed.
  const teardown = async () => {
    const containers = await Promise.allSettled([...nodes.map((node) => node.remove()), toxiproxy?.stop({ remove: true, timeout: 0 })]);
    const networks = await Promise.allSettled([network?.stop()]);
    const failed = [...containers, ...networks].find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
  };

  try {
    network = await new core.Network().start();
    toxiproxy = await new toxiproxyModule.ToxiProxyContainer(options.toxiproxyImage ?? TOXIPROXY_IMAGE).withNetwork(network).start();
    const proxies = new Map<number, CreatedProxy>();
    for (const nodeId of nodeIds) {
      proxies.set(nodeId, await toxiproxy.createProxy({ name: brokerAlias(nodeId), upstream: `${brokerAlias(nodeId)}:${CLIENT_PORT}` }));
    }
    for (const nodeId of nodeIds) {
      const proxy = proxies.get(nodeId) as CreatedProxy;
      const clientAddress = `${proxy.host}:${proxy.port}`;
      const definition = new core.GenericContainer(options.kafkaImage ?? KAFKA_IMAGE)
        .withNetwork(network)
        .withNetworkAliases(brokerAlias(nodeId))
        .withEnvironment(brokerEnvironment({ nodeId, nodeIds, advertisedClientAddress: clientAddress, config: options.config }))
        .withWaitStrategy(core.Wait.forLogMessage(STARTED));
      nodes.push(new ContainerNode(support.modules, nodeId, join(runDir, `node-${nodeId}.log`), clientAddress, definition, startupTimeoutMs));
    }
    await Promise.all(nodes.map((node) => node.create(Math.max(1, deadline - Date.now()))));
    const bootstrap = nodes.map((node) => node.clientAddress);
    await waitForBrokers({ bootstrap, security: {} }, count, deadline);

    let stopping: Promise<void> | undefined;
    return {
      target: "testcontainers",
      bootstrap,
      nodes,
      owned: true,
      security: {},
      runDir,
      proxies,
      stop: () => (stopping ??= teardown()),
    };
  } catch (error) {
    await teardown().catch(() => undefined);
    if (error instanceof CouldNotRunError) throw error;
    throw new StartupError(
      `could not start the containerised cluster: ${(error as Error).message}. Node logs are in ${runDir}.`,
      "testcontainers-start-failed",
      { runDir, nodes: count },
      { cause: error },
    );
  }
}
