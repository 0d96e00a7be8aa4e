// Partitions between reference brokers, each in its own network namespace: the isolated leader of
// an RF=3, min.insync.replicas=2 partition is replaced, acknowledges nothing, and rejoins when
// healed; a start that fails leaves no namespace behind.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StartupError } from "../../harness/errors.ts";
import { listNamespaces } from "../../harness/net/netns/network.ts";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { startReferenceCluster } from "../../harness/targets/reference/cluster.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";
import { titled } from "./kafka-helpers.ts";
import { describeLeaderIsolation, partitionSkipReason } from "./netns-partition-kit.ts";

const skipReason = partitionSkipReason(undefined);

describeLeaderIsolation("reference brokers in network namespaces, leader isolated", {
  skipReason,
  start: async (runDir) => startReferenceCluster({ nodes: 3, basePort: await findFreePortBlock(referencePortsNeeded({ brokers: 3 })), runDir, network: "namespaces", startTimeoutMs: 60_000 }),
  settleMs: 30_000,
  scenarioTimeoutMs: 120_000,
  startTimeoutMs: 90_000,
});

describe.skipIf(skipReason !== undefined)(titled("reference cluster in network namespaces, failing start", skipReason), () => {
  it("removes the namespaces it made when a node does not come up", async () => {
    const runDir = mkdtempSync(join(tmpdir(), "kconform-netns-failed-start-"));
    const ours = async () => (await listNamespaces()).filter((name) => name.startsWith(`kc-${process.pid}-`));
    const before = await ours();
    try {
      // No node prints "ready" within a millisecond.
      const start = startReferenceCluster({ nodes: 3, basePort: await findFreePortBlock(referencePortsNeeded({ brokers: 3 })), runDir, network: "namespaces", startTimeoutMs: 1 });
      await expect(start).rejects.toBeInstanceOf(StartupError);
      expect(await ours()).toEqual(before);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  }, 60_000);
});
