// For replication test files: each test gets a fresh in-process cluster of three brokers with topic
// "t" (one partition, replicas 1, 2, 3), shut down after the test whatever its outcome.
import { afterEach } from "vitest";
import { TestCluster } from "./test-cluster.ts";

/** Call at the top of a test file; the returned function starts the test's cluster. */
export function threeNodeFixture(replicaLagMs: number): (topicConfig?: Record<string, string>) => Promise<TestCluster> {
  let cluster: TestCluster | undefined;
  afterEach(async () => {
    await cluster?.shutdown();
    cluster = undefined;
  });
  return async (topicConfig = {}) => {
    cluster = await TestCluster.start({ nodes: 3, config: [`replica.lag.time.max.ms=${replicaLagMs}`] });
    await cluster.createTopic("t", [[1, 2, 3]], topicConfig);
    return cluster;
  };
}
