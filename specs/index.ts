// The spec catalogue: every documented guarantee kconform checks, in the order `kconform run` runs
// them: administration and discovery first (a broker that cannot create a topic fails fast), then
// the data plane, groups and delivery, and last the specs that kill, stop or wipe brokers.
import { acksGuarantees } from "./acks-guarantees.ts";
import { atLeastOnceDelivery } from "./at-least-once-delivery.ts";
import { atMostOnceDelivery } from "./at-most-once-delivery.ts";
import { brokerDiscovery } from "./broker-discovery.ts";
import { followerFetching } from "./follower-fetching.ts";
import { groupExclusiveOwnership } from "./group-exclusive-ownership.ts";
import { groupRebalanceOnLeave } from "./group-rebalance-on-leave.ts";
import { idempotentProducer } from "./idempotent-producer.ts";
import { keyPartitionStability } from "./key-partition-stability.ts";
import { minInsyncReplicasRefusal } from "./min-insync-replicas-refusal.ts";
import { nMinus1Durability } from "./n-minus-1-durability.ts";
import { offsetsImmutable } from "./offsets-immutable.ts";
import { oneLeaderPerPartition } from "./one-leader-per-partition.ts";
import { orderingWithinPartition } from "./ordering-within-partition.ts";
import { retentionByBytes } from "./retention-by-bytes.ts";
import { retentionByTime } from "./retention-by-time.ts";
import { retentionUnlimited } from "./retention-unlimited.ts";
import type { Spec } from "./spec.ts";
import { topicAdministration } from "./topic-administration.ts";

export const specs: readonly Spec[] = [
  topicAdministration,
  brokerDiscovery,
  keyPartitionStability,
  offsetsImmutable,
  orderingWithinPartition,
  retentionUnlimited,
  retentionByBytes,
  retentionByTime,
  groupExclusiveOwnership,
  groupRebalanceOnLeave,
  atLeastOnceDelivery,
  atMostOnceDelivery,
  followerFetching,
  oneLeaderPerPartition,
  acksGuarantees,
  minInsyncReplicasRefusal,
  idempotentProducer,
  nMinus1Durability,
];

export function specByName(name: string): Spec | undefined {
  return specs.find((spec) => spec.name === name);
}
