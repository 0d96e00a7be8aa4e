// The replication, acks, leadership and idempotence specs against a 3-node reference cluster and a
// 3-node Apache Kafka 4.3.1 cluster, each started once: every spec must pass on both, and leave the
// cluster serving (every broker back, every partition led with a full ISR) for the next one.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { startKafkaCluster } from "../../harness/targets/kafka/cluster.ts";
import { portsNeeded } from "../../harness/targets/kafka/topology.ts";
import { startReferenceCluster } from "../../harness/targets/reference/cluster.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";
import type { Cluster } from "../../harness/targets/target.ts";
import { acksGuarantees } from "../../specs/acks-guarantees.ts";
import { idempotentProducer } from "../../specs/idempotent-producer.ts";
import { minInsyncReplicasRefusal } from "../../specs/min-insync-replicas-refusal.ts";
import { nMinus1Durability } from "../../specs/n-minus-1-durability.ts";
import { oneLeaderPerPartition } from "../../specs/one-leader-per-partition.ts";
import { waitForClusterServing } from "../../specs/kit/faults.ts";
import { runSpec } from "../../specs/run-spec.ts";
import { specTargetOf, type Spec, type SpecTarget } from "../../specs/spec.ts";
import { kafkaToolsMissing, titled } from "./kafka-helpers.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const SPECS: readonly Spec[] = [acksGuarantees, minInsyncReplicasRefusal, nMinus1Durability, oneLeaderPerPartition, idempotentProducer];
const SEED = 20_261_124;

function specSuite(name: string, skipReason: string | undefined, start: (runDir: string) => Promise<Cluster>, startTimeoutMs: number): void {
  describe.skipIf(skipReason !== undefined)(titled(`replication specs against ${name}`, skipReason), () => {
    let cluster: Cluster | undefined;
    let target: SpecTarget;
    const run = keepRunDirOnFailure("kconform-specs-replication-");

    beforeAll(async () => {
      cluster = await start(join(run.create(), "cluster"));
      target = specTargetOf(cluster);
    }, startTimeoutMs);

    afterAll(async () => {
      await cluster?.stop();
      run.cleanUp();
    }, 60_000);

    for (const spec of SPECS) {
      it(`${spec.name} passes`, { timeout: spec.timeLimitMs + 120_000 }, async () => {
        const result = await runSpec(spec, target, { seed: SEED });
        console.log(`${name} ${spec.name}: ${result.status} in ${result.durationMs} ms, ${result.numRuns} run(s)`);
        expect(result.error).toBeUndefined();
        expect(result.status).toBe("passed");
        // Left as found: the next spec gets a whole cluster.
        await waitForClusterServing(target, 10_000);
      });
    }
  });
}

specSuite(
  "a 3-node reference cluster",
  undefined,
  async (runDir) => startReferenceCluster({ nodes: 3, basePort: await findFreePortBlock(referencePortsNeeded({ brokers: 3 })), runDir }),
  60_000,
);

specSuite(
  "a 3-node Apache Kafka 4.3.1 cluster",
  kafkaToolsMissing(),
  async (runDir) => startKafkaCluster({ nodes: 3, basePort: await findFreePortBlock(portsNeeded({ brokers: 3, basePort: 0, proxied: true })), runDir }),
  300_000,
);
