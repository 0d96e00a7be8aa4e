// The metadata image: what every broker knows about brokers, topics, partitions and configs,
// built only by applying metadata records in log order, so all brokers that applied the same
// records answer Metadata with the same view.
import { NO_LEADER, type MetadataRecord } from "./records.ts";

export interface BrokerState {
  brokerId: number;
  incarnation: string;
  host: string;
  port: number;
  rack: string | null;
  fenced: boolean;
}

export interface PartitionState {
  topicId: string;
  partition: number;
  replicas: readonly number[];
  isr: readonly number[];
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
}

export interface TopicState {
  name: string;
  topicId: string;
  partitions: PartitionState[];
}

export class MetadataImageError extends Error {
  constructor(message: string, readonly record: MetadataRecord) {
    super(message);
    this.name = "MetadataImageError";
  }
}

export class MetadataImage {
  readonly brokers = new Map<number, BrokerState>();
  readonly topicsByName = new Map<string, TopicState>();
  readonly topicsById = new Map<string, TopicState>();
  private readonly configs = new Map<string, Map<string, string>>();
  /** The first producer id not yet handed out (Kafka's ProducerIdsRecord). */
  nextProducerId = 0;
  /** How many records have been applied; a broker compares it with the controller's. */
  appliedRecords = 0;

  apply(record: MetadataRecord): void {
    switch (record.type) {
      case "register-broker": {
        const previous = this.brokers.get(record.brokerId);
        this.brokers.set(record.brokerId, {
          brokerId: record.brokerId,
          incarnation: record.incarnation,
          host: record.host,
          port: record.port,
          rack: record.rack,
          // A (re-)registered broker starts fenced until the controller unfences it.
          fenced: previous === undefined || previous.incarnation !== record.incarnation ? true : previous.fenced,
        });
        break;
      }
      case "fence-broker":
      case "unfence-broker": {
        const broker = this.brokers.get(record.brokerId);
        if (!broker) throw new MetadataImageError(`broker ${record.brokerId} is not registered`, record);
        broker.fenced = record.type === "fence-broker";
        break;
      }
      case "topic": {
        if (this.topicsByName.has(record.name)) throw new MetadataImageError(`topic ${record.name} already exists`, record);
        const topic: TopicState = { name: record.name, topicId: record.topicId, partitions: [] };
        this.topicsByName.set(record.name, topic);
        this.topicsById.set(record.topicId, topic);
        break;
      }
      case "partition": {
        const topic = this.requireTopic(record.topicId, record);
        topic.partitions[record.partition] = {
          topicId: record.topicId,
          partition: record.partition,
          replicas: [...record.replicas],
          isr: [...record.isr],
          leader: record.leader,
          leaderEpoch: 0,
          partitionEpoch: 0,
        };
        break;
      }
      case "partition-change": {
        const state = this.requireTopic(record.topicId, record).partitions[record.partition];
        if (!state) throw new MetadataImageError(`partition ${record.partition} of ${record.topicId} does not exist`, record);
        if (record.leader !== undefined && record.leader !== state.leader) {
          state.leader = record.leader;
          state.leaderEpoch += 1;
        }
        if (record.isr !== undefined) state.isr = [...record.isr];
        state.partitionEpoch += 1;
        break;
      }
      case "remove-topic": {
        const topic = this.requireTopic(record.topicId, record);
        this.topicsById.delete(topic.topicId);
        this.topicsByName.delete(topic.name);
        this.configs.delete(configKey("topic", topic.name));
        break;
      }
      case "producer-ids":
        if (record.nextProducerId < this.nextProducerId) {
          throw new MetadataImageError(`producer ids must not go back from ${this.nextProducerId} to ${record.nextProducerId}`, record);
        }
        this.nextProducerId = record.nextProducerId;
        break;
      case "config": {
        const key = configKey(record.resourceType, record.resourceName);
        let entries = this.configs.get(key);
        if (record.value === null) {
          entries?.delete(record.name);
        } else {
          if (!entries) this.configs.set(key, (entries = new Map()));
          entries.set(record.name, record.value);
        }
        break;
      }
    }
    this.appliedRecords += 1;
  }

  /** Explicit overrides of one resource (topic configs set at creation or later). */
  configOverrides(resourceType: "topic" | "broker", resourceName: string): ReadonlyMap<string, string> {
    return this.configs.get(configKey(resourceType, resourceName)) ?? new Map();
  }

  partition(topicName: string, partition: number): PartitionState | undefined {
    return this.topicsByName.get(topicName)?.partitions[partition];
  }

  /** Brokers that may lead and serve: registered and not fenced. */
  liveBrokerIds(): number[] {
    return [...this.brokers.values()].filter((b) => !b.fenced).map((b) => b.brokerId).sort((a, b) => a - b);
  }

  isLive(brokerId: number): boolean {
    const broker = this.brokers.get(brokerId);
    return broker !== undefined && !broker.fenced;
  }

  /** Partitions with no live leader: Metadata reports them with LEADER_NOT_AVAILABLE. */
  isOffline(state: PartitionState): boolean {
    return state.leader === NO_LEADER || !this.isLive(state.leader);
  }

  private requireTopic(topicId: string, record: MetadataRecord): TopicState {
    const topic = this.topicsById.get(topicId);
    if (!topic) throw new MetadataImageError(`topic id ${topicId} does not exist`, record);
    return topic;
  }
}

function configKey(resourceType: string, resourceName: string): string {
  return `${resourceType}:${resourceName}`;
}
