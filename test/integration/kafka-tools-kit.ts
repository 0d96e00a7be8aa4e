// What the suites that drive Kafka's own CLI tools share: they need java (in CI a missing one is a
// broken machine, so they run and fail), one single-node cluster of each target kind told not to
// create topics on first use (Kafka would, the reference broker does not), a KafkaCli bound to it,
// and every process gone once the suite ends. The run directory stays when a test failed.
import { afterAll, beforeAll, describe, expect } from "vitest";
import { findProgram } from "../../harness/proc/programs.ts";
import { liveChildPids } from "../../harness/proc/reaper.ts";
import { KafkaCli } from "../../harness/tools/kafka-cli.ts";
import { CLIENT_TARGET_KINDS, describeTarget, startClientTarget, targetRunDir, type ClientTarget } from "../../harness/tools/targets.ts";
import { titled } from "./kafka-helpers.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const skipReason = !process.env.CI && findProgram("java") === undefined ? "java not installed (run scripts/setup)" : undefined;

const BROKER_CONFIG = [["auto.create.topics.enable", "false"]] as const;

/** The started target and the CLI bound to it, filled in before the suite's first test. */
export interface ToolsTarget {
  target: ClientTarget;
  cli: KafkaCli;
}

/**
 * One describe block per target kind, "`title` against <target>", whose tests reach the target
 * through `tools` (set once the cluster is up, within `startTimeoutMs`).
 */
export function describeWithKafkaTools(title: string, runDirPrefix: string, startTimeoutMs: number, body: (tools: ToolsTarget) => void): void {
  const runDirs = keepRunDirOnFailure(runDirPrefix);
  const scratch = runDirs.create();
  afterAll(() => runDirs.cleanUp());
  describe.skipIf(skipReason !== undefined).each(CLIENT_TARGET_KINDS.map((kind) => ({ kind, name: titled(describeTarget(kind), skipReason) })))(`${title} against $name`, ({ kind }) => {
    const tools = {} as ToolsTarget;

    beforeAll(async () => {
      tools.target = await startClientTarget(kind, { nodes: 1, runDir: targetRunDir(scratch, kind), config: BROKER_CONFIG });
      tools.cli = await KafkaCli.create({ bootstrap: tools.target.bootstrap });
    }, startTimeoutMs);

    afterAll(async () => {
      await tools.target?.cluster.stop();
      expect(liveChildPids()).toEqual([]);
    });

    body(tools);
  });
}
