// A reference-broker node inside the test's own process, for fast integration tests: a fresh data
// directory (deleted on stop unless one was given), a free port on 127.0.0.1, the process target's
// test settings, quiet logs, and a restart that keeps data and port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BrokerConfig } from "../../../reference-broker/config/broker-config.ts";
import { BrokerNode } from "../../../reference-broker/broker/node.ts";
import { lineLogger, type Logger, type LogLevel } from "../../../reference-broker/logger.ts";
import { referenceTestSettings } from "./test-settings.ts";

export interface ReferenceBrokerOptions {
  nodeId?: number;
  /** Kept after stop(); by default a temporary directory that stop() deletes. */
  dataDir?: string;
  /** 0 (default): any free port, kept across restarts. */
  port?: number;
  /** Broker settings by Kafka's names, over kconform's test settings (as the process target's). */
  config?: Readonly<Record<string, string>>;
  logger?: Logger;
  logLevel?: LogLevel;
}

export class ReferenceBroker {
  private constructor(
    private current: BrokerNode,
    private readonly options: ReferenceBrokerOptions,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    readonly port: number,
  ) {}

  static async start(options: ReferenceBrokerOptions = {}): Promise<ReferenceBroker> {
    const ownsDataDir = options.dataDir === undefined;
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "kconform-reference-"));
    try {
      const node = await startNode(options, dataDir, options.port ?? 0);
      return new ReferenceBroker(node, options, dataDir, ownsDataDir, Number(node.bootstrap.split(":")[1]));
    } catch (error) {
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  get node(): BrokerNode {
    return this.current;
  }

  get bootstrap(): string {
    return this.current.bootstrap;
  }

  /** Clean stop and start on the same data directory and port. */
  async restart(): Promise<void> {
    await this.current.stop();
    this.current = await startNode(this.options, this.dataDir, this.port);
  }

  async stop(): Promise<void> {
    await this.current.stop();
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function startNode(options: ReferenceBrokerOptions, dataDir: string, port: number): Promise<BrokerNode> {
  return BrokerNode.start({
    nodeId: options.nodeId ?? 1,
    dataDir,
    port,
    config: BrokerConfig.parse(new Map([...referenceTestSettings(1), ...Object.entries(options.config ?? {})])),
    logger: options.logger ?? lineLogger(`reference-${options.nodeId ?? 1}`, { level: options.logLevel ?? "warn" }),
  });
}

/** Starts an in-process reference broker; stop() it when done. */
export function startReferenceBroker(options: ReferenceBrokerOptions = {}): Promise<ReferenceBroker> {
  return ReferenceBroker.start(options);
}
