// Settings the scenarios share: the documented safe configuration (acks=all, idempotence,
// replication factor 3, min.insync.replicas=2), the consumers, and a modest workload that two
// shared cores keep up with while three JVMs run.
import { DEFAULT_CONSUMER, type ConsumerSettings } from "../harness/clients/settings.ts";
import type { Scenario } from "../harness/run/scenario.ts";

export const SAFE_TOPIC: Scenario["topic"] = { partitions: 3, replicationFactor: 3, config: { "min.insync.replicas": "2", "unclean.leader.election.enable": "false" } };

export const CONSUMER: ConsumerSettings = DEFAULT_CONSUMER;

export const MODEST_WORKLOAD: NonNullable<Scenario["workload"]> = {
  producers: { min: 1, max: 2 },
  consumers: { min: 1, max: 2 },
  producerRate: { min: 10, max: 40 },
  consumerRate: { min: 5, max: 15 },
  // One record per produce call: kafkajs's retries can drop records of a call that spans
  // partitions whose leaders move (see harness/clients/kafkajs/producer.ts).
  batch: { min: 1, max: 1 },
};

export const DOCS = "https://kafka.apache.org/documentation/#design_ha and #producerconfigs_acks; seed notes: /work/shared/seed/kafka-notes.md";

/** Targets for a fault aimed at the leader of any partition of the topic. */
export function leaders(partitions: number): string[] {
  return Array.from({ length: partitions }, (_, p) => `leader:${p}`);
}
