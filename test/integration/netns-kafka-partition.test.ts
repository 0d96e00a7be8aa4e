// Partitions between Apache Kafka brokers, each in its own network namespace behind Toxiproxy: the
// isolated leader of an RF=3, min.insync.replicas=2 partition is replaced, acknowledges nothing,
// and rejoins when healed.
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { startKafkaCluster } from "../../harness/targets/kafka/cluster.ts";
import { portsNeeded } from "../../harness/targets/kafka/topology.ts";
import { kafkaToolsMissing } from "./kafka-helpers.ts";
import { describeLeaderIsolation, partitionSkipReason } from "./netns-partition-kit.ts";

describeLeaderIsolation("Apache Kafka brokers in network namespaces, leader isolated", {
  skipReason: partitionSkipReason(kafkaToolsMissing()),
  start: async (runDir) =>
    startKafkaCluster({ nodes: 3, basePort: await findFreePortBlock(portsNeeded({ brokers: 3, basePort: 0, proxied: true })), runDir, network: "namespaces" }),
  settleMs: 60_000,
  scenarioTimeoutMs: 150_000,
  startTimeoutMs: 240_000,
});
