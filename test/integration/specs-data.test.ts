// The data-plane specs (ordering, immutability, key partitioning, retention, discovery, topic
// administration) pass against a 3-node reference cluster and a 3-node Apache Kafka 4.3.1 cluster,
// each reached as `kconform run` reaches it. Both start with retention checked every 500 ms (and
// Kafka's first check not delayed), which the retention specs need to see deletion happen. Each
// passes alone, and all pass run side by side (broker-discovery, exclusive, alone between them).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaJsClients } from "../../harness/clients/kafkajs/factory.ts";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { runEnvironment } from "../../harness/run/environment.ts";
import { startKafkaCluster } from "../../harness/targets/kafka/cluster.ts";
import { portsNeeded } from "../../harness/targets/kafka/topology.ts";
import { startReferenceCluster } from "../../harness/targets/reference/cluster.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";
import type { Cluster } from "../../harness/targets/target.ts";
import { brokerDiscovery } from "../../specs/broker-discovery.ts";
import { keyPartitionStability } from "../../specs/key-partition-stability.ts";
import { offsetsImmutable } from "../../specs/offsets-immutable.ts";
import { orderingWithinPartition } from "../../specs/ordering-within-partition.ts";
import { retentionByBytes } from "../../specs/retention-by-bytes.ts";
import { retentionByTime } from "../../specs/retention-by-time.ts";
import { retentionUnlimited } from "../../specs/retention-unlimited.ts";
import { runSpec, runSpecs } from "../../specs/run-spec.ts";
import { specTargetOf, type Spec, type SpecTarget } from "../../specs/spec.ts";
import { topicAdministration } from "../../specs/topic-administration.ts";
import { kafkaToolsMissing, titled } from "./kafka-helpers.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const SPECS: readonly Spec[] = [orderingWithinPartition, offsetsImmutable, keyPartitionStability, brokerDiscovery, topicAdministration, retentionByTime, retentionByBytes, retentionUnlimited];
const RETENTION_CHECKED_OFTEN = [["log.retention.check.interval.ms", "500"]] as const;
const START_TIMEOUT_MS = 180_000;

type StartedCluster = Cluster & { stop(options?: { graceful?: boolean }): Promise<void> };

/** Runs every spec against the cluster `start` brings up, expecting each to pass. */
function specsPass(label: string, start: (runDir: string) => Promise<StartedCluster>, skipReason?: string): void {
  describe.skipIf(skipReason !== undefined)(titled(`data-plane specs against ${label}`, skipReason), () => {
    let cluster: StartedCluster | undefined;
    let target: SpecTarget;
    const run = keepRunDirOnFailure("kconform-specs-data-");

    beforeAll(async () => {
      cluster = await start(join(run.create(), "cluster"));
      // As `kconform run` reaches it: around any client proxies, straight to the brokers.
      target = specTargetOf(cluster, runEnvironment(cluster, { clients: kafkaJsClients, say: () => undefined }).adminAccess);
    }, START_TIMEOUT_MS);

    afterAll(async () => {
      await cluster?.stop({ graceful: false });
      run.cleanUp();
    });

    for (const [i, spec] of SPECS.entries()) {
      it(spec.name, { timeout: spec.timeLimitMs + 60_000 }, async () => {
        const result = await runSpec(spec, target, { seed: 6_000 + i });
        console.log(`${label}: ${spec.name} ${result.status} in ${result.durationMs} ms (${result.numRuns} runs)`);
        expect(result.error, `seed ${result.seed}, counterexample ${result.counterexample}`).toBeUndefined();
        expect(result.status).toBe("passed");
      });
    }

    it("all of them side by side, as kconform run runs them: every one passes", { timeout: 120_000 }, async () => {
      const results = await runSpecs(SPECS, target, { seed: 6_100, concurrency: 4 });
      const failures = results.filter((result) => result.status !== "passed").map((result) => `${result.name} ${result.status}: ${result.error} (seed ${result.seed})`);
      expect(failures).toEqual([]);
      expect(results.map((result) => result.name)).toEqual(SPECS.map((spec) => spec.name));
    });
  });
}

specsPass("the reference broker", async (runDir) => {
  const basePort = await findFreePortBlock(referencePortsNeeded({ brokers: 3 }));
  return startReferenceCluster({ nodes: 3, basePort, runDir, config: RETENTION_CHECKED_OFTEN });
});

specsPass(
  "Apache Kafka 4.3.1",
  async (runDir) => {
    const basePort = await findFreePortBlock(portsNeeded({ brokers: 3, basePort: 0, proxied: true }));
    return startKafkaCluster({ nodes: 3, basePort, runDir, config: [...RETENTION_CHECKED_OFTEN, ["log.initial.task.delay.ms", "0"]] });
  },
  kafkaToolsMissing(),
);
