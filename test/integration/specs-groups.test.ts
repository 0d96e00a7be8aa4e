// The consumer-group, delivery-semantics and follower-fetching specs against a 3-node reference
// cluster and a 3-node Kafka 4.3.1 cluster, each broker in its own rack with RackAwareReplicaSelector
// on, so every spec runs: each must pass on both. And without racks, follower-fetching says so.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import type { SpecResult } from "../../harness/run/result.ts";
import { startKafkaCluster, type KafkaCluster } from "../../harness/targets/kafka/cluster.ts";
import { portsNeeded } from "../../harness/targets/kafka/topology.ts";
import type { Cluster } from "../../harness/targets/target.ts";
import { rackAwareSettings } from "../../harness/targets/racks.ts";
import { startReferenceCluster } from "../../harness/targets/reference/cluster.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";
import { atLeastOnceDelivery } from "../../specs/at-least-once-delivery.ts";
import { atMostOnceDelivery } from "../../specs/at-most-once-delivery.ts";
import { followerFetching } from "../../specs/follower-fetching.ts";
import { groupExclusiveOwnership } from "../../specs/group-exclusive-ownership.ts";
import { groupRebalanceOnLeave } from "../../specs/group-rebalance-on-leave.ts";
import { runSpec } from "../../specs/run-spec.ts";
import { specTargetOf, type Spec, type SpecTarget } from "../../specs/spec.ts";
import { kafkaToolsMissing, titled } from "./kafka-helpers.ts";
import { keepRunDirOnFailure } from "./run-dir.ts";

const SPECS: readonly Spec[] = [groupExclusiveOwnership, groupRebalanceOnLeave, atLeastOnceDelivery, atMostOnceDelivery, followerFetching];
const SEED = 6_003;

async function runAndReport(spec: Spec, target: SpecTarget, where: string): Promise<SpecResult> {
  const result = await runSpec(spec, target, { seed: SEED });
  console.log(`${spec.name} on ${where}: ${result.status} in ${result.durationMs} ms (${result.numRuns} runs)${result.error !== undefined ? `: ${result.error}` : ""}`);
  return result;
}

describe("group, delivery and follower-fetching specs against the reference broker (3 nodes in 3 racks)", () => {
  const run = keepRunDirOnFailure("kconform-specs-groups-reference-");
  let cluster: Cluster | undefined;

  beforeAll(async () => {
    const basePort = await findFreePortBlock(referencePortsNeeded({ brokers: 3 }));
    cluster = await startReferenceCluster({ nodes: 3, basePort, runDir: join(run.create(), "cluster"), nodeConfig: rackAwareSettings });
  });

  afterAll(async () => {
    await cluster?.stop();
    run.cleanUp();
  });

  it("follower-fetching on brokers without broker.rack: skipped, naming what is missing", async () => {
    const basePort = await findFreePortBlock(referencePortsNeeded({ brokers: 2 }));
    const plain = await startReferenceCluster({ nodes: 2, basePort, runDir: join(run.create(), "plain") });
    try {
      const result = await runAndReport(followerFetching, specTargetOf(plain), "reference without racks");
      expect(result.status).toBe("skipped");
      expect(result.skipReason).toMatch(/no broker\.rack set/);
    } finally {
      await plain.stop({ graceful: false });
    }
  });

  for (const spec of SPECS) {
    it(`${spec.name}: passed`, { timeout: spec.timeLimitMs + 90_000 }, async () => {
      const result = await runAndReport(spec, specTargetOf(cluster as Cluster), "reference");
      expect(result.error).toBeUndefined();
      expect(result.status).toBe("passed");
    });
  }
});

const skipReason = kafkaToolsMissing();

describe.skipIf(skipReason !== undefined)(titled("group, delivery and follower-fetching specs against Kafka 4.3.1 (3 nodes in 3 racks)", skipReason), () => {
  const run = keepRunDirOnFailure("kconform-specs-groups-kafka-");
  let cluster: KafkaCluster | undefined;

  beforeAll(async () => {
    const basePort = await findFreePortBlock(portsNeeded({ brokers: 3, basePort: 0, proxied: true }));
    cluster = await startKafkaCluster({ nodes: 3, basePort, runDir: join(run.create(), "cluster"), nodeConfig: rackAwareSettings });
  });

  afterAll(async () => {
    await cluster?.stop({ graceful: false });
    run.cleanUp();
  });

  for (const spec of SPECS) {
    it(`${spec.name}: passed`, { timeout: spec.timeLimitMs + 90_000 }, async () => {
      const result = await runAndReport(spec, specTargetOf(cluster as KafkaCluster), "kafka");
      expect(result.error).toBeUndefined();
      expect(result.status).toBe("passed");
    });
  }
});
