// The metadata log's record types: every change to brokers, topics, partitions and configs is one
// record, so a single node and a Raft quorum (issue 4) build the same image by replaying them.

export interface RegisterBrokerRecord {
  type: "register-broker";
  brokerId: number;
  /** Changes on every process start, so a restarted broker is told apart from its old session. */
  incarnation: string;
  host: string;
  port: number;
  rack: string | null;
}

export interface FenceBrokerRecord {
  type: "fence-broker";
  brokerId: number;
}

export interface UnfenceBrokerRecord {
  type: "unfence-broker";
  brokerId: number;
}

export interface TopicRecord {
  type: "topic";
  name: string;
  /** Kafka's Uuid in its string form (URL-safe base64 of 16 bytes). */
  topicId: string;
}

export interface PartitionRecord {
  type: "partition";
  topicId: string;
  partition: number;
  replicas: number[];
  isr: number[];
  leader: number;
}

/** A leader or ISR change; a new leader bumps the leader epoch, any change the partition epoch. */
export interface PartitionChangeRecord {
  type: "partition-change";
  topicId: string;
  partition: number;
  leader?: number;
  isr?: number[];
}

export interface RemoveTopicRecord {
  type: "remove-topic";
  topicId: string;
}

export interface ConfigRecord {
  type: "config";
  resourceType: "topic" | "broker";
  /** Topic name, or broker id as a string ("" for the cluster-wide default). */
  resourceName: string;
  name: string;
  /** null removes the override. */
  value: string | null;
}

/** A block of producer ids was handed to a broker; ids below nextProducerId are never reused. */
export interface ProducerIdsRecord {
  type: "producer-ids";
  brokerId: number;
  nextProducerId: number;
}

export type MetadataRecord =
  | RegisterBrokerRecord
  | FenceBrokerRecord
  | UnfenceBrokerRecord
  | TopicRecord
  | PartitionRecord
  | PartitionChangeRecord
  | RemoveTopicRecord
  | ConfigRecord
  | ProducerIdsRecord;

/** Partition leader id meaning "no leader" (Kafka's LeaderAndIsr.NO_LEADER). */
export const NO_LEADER = -1;
