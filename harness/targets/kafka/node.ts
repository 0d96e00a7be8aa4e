// One Kafka node (a `java kafka.Kafka server.properties` process) and the destructive operations the
// nemesis performs on it: SIGKILL, SIGSTOP/SIGCONT, graceful stop, restart, and wiping its data.
import { ProcessNode } from "../../proc/process-node.ts";
import { placeCommand, type CommandWrapper } from "../placement.ts";
import type { NodeRole } from "../target.ts";
import type { KafkaDistribution } from "./distribution.ts";
import { jvmFlags } from "./java.ts";
import { formatStorage, isFormatted } from "./storage.ts";

/** KafkaRaftServer logs this once every role of the node is up, for brokers and controllers alike. */
const STARTED = /Kafka Server started/;

export interface KafkaNodeSetup {
  nodeId: number;
  roles: readonly NodeRole[];
  dataDir: string;
  propertiesFile: string;
  logFile: string;
  log4jConfig: string;
  clusterId: string;
  java: string;
  distribution: KafkaDistribution;
  heap: string;
  jvmArgs: readonly string[];
  env: NodeJS.ProcessEnv;
  startTimeoutMs: number;
  clientAddress?: string;
  /** Name of the Toxiproxy proxy in front of this node's client listener. */
  proxyName?: string;
  /** Runs the JVM inside the node's network namespace; absent, it runs in the root namespace. */
  inNamespace?: CommandWrapper;
}

export class KafkaNode extends ProcessNode {
  readonly proxyName?: string;

  constructor(private readonly setup: KafkaNodeSetup) {
    super(setup);
    this.proxyName = setup.proxyName;
  }

  get name(): string {
    return `kafka node ${this.nodeId}`;
  }

  /** Format the data directory if it is blank, spawn the JVM, and wait until it reports started. */
  async start(): Promise<void> {
    this.assertStopped();
    const { setup } = this;
    if (!isFormatted(setup.dataDir)) {
      await formatStorage({
        nodeId: setup.nodeId,
        java: setup.java,
        distribution: setup.distribution,
        propertiesFile: setup.propertiesFile,
        clusterId: setup.clusterId,
        log4jConfig: setup.log4jConfig,
        logFile: setup.logFile,
        env: setup.env,
      });
    }
    await this.launch(
      placeCommand(
        {
          name: this.name,
          file: setup.java,
          args: [...jvmFlags(setup.heap, setup.log4jConfig), ...setup.jvmArgs, "-cp", setup.distribution.classpath, "kafka.Kafka", setup.propertiesFile],
          env: setup.env,
          logFile: setup.logFile,
        },
        setup.inNamespace,
      ),
      { pattern: STARTED, what: 'report "Kafka Server started"', timeoutMs: setup.startTimeoutMs, errorCode: "kafka-node-not-ready" },
    );
  }
}
