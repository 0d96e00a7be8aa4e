// Rack placement for the clusters kconform starts: each broker in a rack of its own and
// RackAwareReplicaSelector on, so consumers that name a rack can be sent to a follower there
// (KIP-392, follower fetching). The same two settings for Kafka and the reference broker.

export const RACK_AWARE_REPLICA_SELECTOR = "org.apache.kafka.common.replica.RackAwareReplicaSelector";

export function rackOf(nodeId: number): string {
  return `rack-${nodeId}`;
}

/** Per-node settings (a `nodeConfig` for startKafkaCluster / startReferenceCluster). */
export function rackAwareSettings(nodeId: number): [string, string][] {
  return [
    ["broker.rack", rackOf(nodeId)],
    ["replica.selector.class", RACK_AWARE_REPLICA_SELECTOR],
  ];
}
