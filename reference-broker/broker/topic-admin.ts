// Creating and deleting topics through the metadata quorum, shared by CreateTopics, DeleteTopics and
// the auto-creation of Metadata requests (and, later, the group coordinator's __consumer_offsets).
import type { BrokerConfig } from "../config/broker-config.ts";
import { planCreateTopic, planDeleteTopic, type CreateTopicSpec, type Plan } from "../metadata/controller-logic.ts";
import type { MetadataImage } from "../metadata/image.ts";
import type { PartitionRecord, TopicRecord } from "../metadata/records.ts";
import { CONSUMER_OFFSETS_TOPIC } from "../metadata/topic-names.ts";
import type { MetadataQuorum } from "./metadata-quorum.ts";

export type TopicOutcome =
  | { ok: true; topicId: string; numPartitions: number; replicationFactor: number }
  | { ok: false; error: string; message: string };

function outcome(plan: Plan): TopicOutcome {
  if (!plan.ok) return plan;
  const topic = plan.records.find((r): r is TopicRecord => r.type === "topic");
  const partitions = plan.records.filter((r): r is PartitionRecord => r.type === "partition");
  return { ok: true, topicId: topic?.topicId ?? "", numPartitions: partitions.length, replicationFactor: partitions[0]?.replicas.length ?? 0 };
}

export class TopicAdmin {
  constructor(
    private readonly quorum: MetadataQuorum,
    private readonly config: BrokerConfig,
  ) {}

  get image(): MetadataImage {
    return this.quorum.image;
  }

  /** CreateTopics for one topic; validateOnly decides against the current image and commits nothing. */
  async createTopic(spec: CreateTopicSpec, validateOnly: boolean): Promise<TopicOutcome> {
    const defaults = { numPartitions: this.config.int("num.partitions"), replicationFactor: this.config.int("default.replication.factor") };
    if (validateOnly) return outcome(planCreateTopic(this.quorum.image, spec, defaults));
    return outcome(await this.quorum.write((image) => planCreateTopic(image, spec, defaults)));
  }

  async deleteTopic(name: string): Promise<Plan> {
    return this.quorum.write((image) => planDeleteTopic(image, name));
  }

  /**
   * Kafka's AutoTopicCreationManager: __consumer_offsets gets the offsets topic's partition count
   * and replication factor, every other topic the broker's defaults. Resolves once the topic exists or
   * was refused.
   */
  async autoCreateTopic(name: string): Promise<TopicOutcome> {
    return this.createTopic(this.creatableTopic(name), false);
  }

  private creatableTopic(name: string): CreateTopicSpec {
    if (name === CONSUMER_OFFSETS_TOPIC) {
      return { name, numPartitions: this.config.int("offsets.topic.num.partitions"), replicationFactor: this.config.int("offsets.topic.replication.factor") };
    }
    return { name, numPartitions: -1, replicationFactor: -1 };
  }
}
