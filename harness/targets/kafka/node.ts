// One Kafka node (a `java kafka.Kafka server.properties` process) and the destructive operations the
// nemesis performs on it: SIGKILL, SIGSTOP/SIGCONT, graceful stop, restart, and wiping its data.
import { StartupError } from "../../errors.ts";
import { describeExit, SupervisedProcess } from "../../proc/child.ts";
import { ProcessNode } from "../../proc/process-node.ts";
import { fileSize, logTail, waitForLogLine } from "../../proc/log-file.ts";
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
    const logOffset = fileSize(setup.logFile);
    const child = await SupervisedProcess.start({
      name: this.name,
      file: setup.java,
      args: [...jvmFlags(setup.heap, setup.log4jConfig), ...setup.jvmArgs, "-cp", setup.distribution.classpath, "kafka.Kafka", setup.propertiesFile],
      env: setup.env,
      logFile: setup.logFile,
    });
    this.current = child;
    const wait = await waitForLogLine({
      file: setup.logFile,
      fromOffset: logOffset,
      pattern: STARTED,
      timeoutMs: setup.startTimeoutMs,
      stopIf: () => {
        const status = child.exitStatus();
        return status === undefined ? undefined : `exited with ${describeExit(status)}`;
      },
    });
    if (wait.outcome === "found") return;
    await child.kill();
    const why = wait.outcome === "timeout" ? `did not report "Kafka Server started" within ${setup.startTimeoutMs / 1000} s` : wait.reason;
    throw new StartupError(`${this.name} ${why} while starting; last lines of ${setup.logFile}:\n${this.logTail()}`, "kafka-node-not-ready", {
      nodeId: this.nodeId,
      logFile: setup.logFile,
    });
  }

  /** The end of this node's log, long lines cut, for error messages. */
  logTail(lines = 15): string {
    return logTail(this.logFile, lines)
      .split("\n")
      .map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line))
      .join("\n");
  }
}
