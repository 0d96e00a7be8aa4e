// Broker settings kconform's reference clusters start with, like the Kafka target's: groups form at
// once and the internal topics fit the cluster's size. Settings given by the user override them.

export type ReferenceConfigEntry = readonly [key: string, value: string];

export function referenceTestSettings(nodes: number): ReferenceConfigEntry[] {
  const replicationFactor = String(Math.min(3, nodes));
  return [
    ["group.initial.rebalance.delay.ms", "0"],
    ["offsets.topic.num.partitions", "3"],
    ["offsets.topic.replication.factor", replicationFactor],
    ["transaction.state.log.num.partitions", "3"],
    ["transaction.state.log.replication.factor", replicationFactor],
    ["transaction.state.log.min.isr", String(Math.min(2, nodes))],
  ];
}
