// What API handlers may use: the node's identity and settings and its services. Adding a service
// (the group coordinator, next) means one field here and one line where node.ts builds it.
import type { AdvertisedApi } from "../apis/api.ts";
import type { BrokerConfig } from "../config/broker-config.ts";
import type { GroupService } from "../group-service/group-service.ts";
import type { Clock } from "../io/clock.ts";
import type { Logger } from "../logger.ts";
import type { ProducerIdManager } from "../producers/producer-ids.ts";
import type { ReplicaSelector } from "../replication/replica-selector.ts";
import type { DelayedOperations } from "./delayed-operations.ts";
import type { MetadataQuorum } from "./metadata-quorum.ts";
import type { ReplicaManager } from "./replica-manager.ts";
import type { TopicAdmin } from "./topic-admin.ts";

export interface BrokerContext {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly config: BrokerConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly quorum: MetadataQuorum;
  readonly replicas: ReplicaManager;
  readonly topics: TopicAdmin;
  readonly producerIds: ProducerIdManager;
  /** Parked fetches and acks=all produces, woken by partition changes. */
  readonly purgatory: DelayedOperations;
  /** The group coordinators of the __consumer_offsets partitions this node leads. */
  readonly groups: GroupService;
  /** replica.selector.class: which replica a consumer that gave its rack is sent to read from (KIP-392). */
  readonly replicaSelector: ReplicaSelector | undefined;
  /** What ApiVersions advertises: the handler table's ranges. */
  advertisedApis(): AdvertisedApi[];
}
