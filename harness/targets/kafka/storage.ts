// KRaft storage: the cluster id every node shares, and Kafka's own StorageTool to format a node's
// data directory with it before its first start (and again after a wipe).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import { join } from "node:path";
import { StartupError } from "../../errors.ts";
import { lastLines, runCommand } from "../../proc/run.ts";
import type { KafkaDistribution } from "./distribution.ts";
import { jvmFlags } from "./java.ts";

/** A random Kafka Uuid in its base64url form (22 characters), as `kafka-storage random-uuid` prints. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    // Kafka's own generator avoids a leading '-', which command lines take for a flag.
    if (!id.startsWith("-")) return id;
  }
}

/** Formatted = Kafka's meta.properties exists in the data directory. */
export function isFormatted(dataDir: string): boolean {
  return existsSync(join(dataDir, "meta.properties"));
}

export interface FormatRequest {
  nodeId: number;
  java: string;
  distribution: KafkaDistribution;
  propertiesFile: string;
  clusterId: string;
  log4jConfig: string;
  /** The tool's output is appended here, ahead of the node's own log. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
}

export async function formatStorage(request: FormatRequest): Promise<void> {
  const args = [
    ...jvmFlags("256m", request.log4jConfig),
    "-cp",
    request.distribution.classpath,
    "kafka.tools.StorageTool",
    "format",
    "--cluster-id",
    request.clusterId,
    "--config",
    request.propertiesFile,
  ];
  const result = await runCommand({ file: request.java, args, env: request.env }, { timeoutMs: 120_000 });
  await appendFile(request.logFile, `# kconform: kafka.tools.StorageTool format (exit ${result.code ?? result.signal})\n${result.output}\n`);
  if (result.code !== 0) {
    throw new StartupError(
      `formatting the KRaft storage of kafka node ${request.nodeId} failed (${result.timedOut ? "timed out" : `exit ${result.code ?? result.signal}`}); see ${request.logFile}:\n${lastLines(result.output, 10)}`,
      "kafka-format-failed",
      { nodeId: request.nodeId, propertiesFile: request.propertiesFile, logFile: request.logFile },
    );
  }
}
