// Broker settings kconform's reference clusters start with, like the Kafka target's: groups form at
// once, retention is enforced within a second, the internal topics fit the cluster's size, and the
// controller quorum elects, notices a dead leader and fences a dead broker within seconds. Settings
// given by the user override them.

export type ReferenceConfigEntry = readonly [key: string, value: string];

export function referenceTestSettings(nodes: number): ReferenceConfigEntry[] {
  const replicationFactor = String(Math.min(3, nodes));
  return [
    ["group.initial.rebalance.delay.ms", "0"],
    ["group.min.session.timeout.ms", "1000"],
    ["log.retention.check.interval.ms", "500"],
    ["replica.lag.time.max.ms", "5000"],
    ["controller.quorum.election.timeout.ms", "300"],
    ["controller.quorum.fetch.timeout.ms", "1000"],
    ["broker.heartbeat.interval.ms", "500"],
    ["broker.session.timeout.ms", "3000"],
    ["offsets.topic.num.partitions", "3"],
    ["offsets.topic.replication.factor", replicationFactor],
    ["transaction.state.log.num.partitions", "3"],
    ["transaction.state.log.replication.factor", replicationFactor],
    ["transaction.state.log.min.isr", String(Math.min(2, nodes))],
  ];
}
