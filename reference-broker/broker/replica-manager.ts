// The partitions this node hosts, kept in step with the metadata image: a replica's log is opened
// (or created) when a partition assigned to this node appears, its leader state follows every
// committed change, and its directory is deleted when the topic goes. Directories the image does
// not account for (a deletion interrupted by a crash) are removed on start, as Kafka does.
import type { BrokerConfig } from "../config/broker-config.ts";
import type { Clock } from "../io/clock.ts";
import type { Disk } from "../io/disk.ts";
import type { TopicPartition } from "../log/partition-log.ts";
import type { Logger } from "../logger.ts";
import type { MetadataImage, TopicState } from "../metadata/image.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import type { PartitionReplicationOptions } from "../replication/leader-isr.ts";
import { Partition } from "./partition.ts";
import { parsePartitionDirName, partitionDir, readPartitionTopicId } from "./partition-dirs.ts";
import { topicSettings, type TopicSettings } from "./topic-settings.ts";

/** For services tied to leadership (the group coordinator on __consumer_offsets partitions). */
export interface LeadershipListener {
  /** This node leads the partition now (newly, or at a new leader epoch). */
  becameLeader(partition: Partition): void;
  /** This node stopped leading it: another leader, or the partition was deleted or closed. */
  resigned(topicPartition: TopicPartition): void;
}

export interface ReplicaManagerOptions {
  nodeId: number;
  dataDir: string;
  config: BrokerConfig;
  disk: Disk;
  clock: Clock;
  logger: Logger;
  /** Told of every change a parked request may wait on, by partition key. */
  onPartitionChange: (key: string) => void;
  /** How leaders commit ISR changes and judge followers; replica.lag.time.max.ms comes from the config. */
  replication?: Omit<PartitionReplicationOptions, "replicaLagTimeMaxMs">;
}

export class ReplicaManager {
  private readonly byTopicId = new Map<string, Map<number, Partition>>();
  private readonly topicIdByName = new Map<string, string>();
  private readonly listeners = new Set<LeadershipListener>();

  constructor(private readonly options: ReplicaManagerOptions) {}

  /** Removes stray partition directories, then opens every replica the image assigns to this node. */
  load(image: MetadataImage): void {
    const { disk, dataDir, nodeId, logger } = this.options;
    for (const name of disk.list(dataDir)) {
      const tp = parsePartitionDirName(name);
      if (!tp) continue;
      const dir = `${dataDir}/${name}`;
      const topic = image.topicsByName.get(tp.topic);
      const recordedId = readPartitionTopicId(disk, dir);
      const assigned = topic?.partitions[tp.partition]?.replicas.includes(nodeId) ?? false;
      if (topic && assigned && (recordedId === undefined || recordedId === topic.topicId)) continue;
      logger.log("info", "deleting a partition directory the metadata does not assign to this node", { dir, topicId: recordedId ?? "" });
      disk.removeTree(dir);
    }
    for (const topic of image.topicsById.values()) this.reconcileTopic(topic.topicId, image);
  }

  /** Follows one committed metadata batch (subscribe this to the quorum). */
  onMetadata(records: readonly MetadataRecord[], image: MetadataImage): void {
    const touched = new Set<string>();
    for (const record of records) {
      if (record.type === "topic") touched.add(record.topicId);
      else if (record.type === "partition" || record.type === "partition-change" || record.type === "remove-topic") touched.add(record.topicId);
      else if (record.type === "config" && record.resourceType === "topic") {
        const topicId = image.topicsByName.get(record.resourceName)?.topicId;
        if (topicId !== undefined) touched.add(topicId);
      }
    }
    for (const topicId of touched) this.reconcileTopic(topicId, image);
  }

  /** The hosted replica of topic-partition, or undefined when this node has none. */
  partition(topic: string, partition: number): Partition | undefined {
    const topicId = this.topicIdByName.get(topic);
    return topicId === undefined ? undefined : this.byTopicId.get(topicId)?.get(partition);
  }

  partitions(): Partition[] {
    return [...this.byTopicId.values()].flatMap((hosted) => [...hosted.values()]);
  }

  /** Returns a function that unsubscribes. Current leaderships are reported at once. */
  addLeadershipListener(listener: LeadershipListener): () => void {
    this.listeners.add(listener);
    for (const partition of this.partitions()) if (partition.isLeader) listener.becameLeader(partition);
    return () => this.listeners.delete(listener);
  }

  /** Clean shutdown of every replica (producer snapshots, indexes, recovery points). */
  close(): void {
    for (const [topicId, hosted] of this.byTopicId) {
      for (const partition of hosted.values()) {
        const wasLeader = partition.isLeader;
        partition.close();
        if (wasLeader) this.tellResigned(partition.topicPartition);
      }
      this.byTopicId.delete(topicId);
    }
    this.topicIdByName.clear();
  }

  private reconcileTopic(topicId: string, image: MetadataImage): void {
    const topic = image.topicsById.get(topicId);
    const hosted = this.byTopicId.get(topicId);
    if (!topic) {
      if (hosted) this.removeTopic(topicId, hosted);
      return;
    }
    const settings = topicSettings(image.configOverrides("topic", topic.name), this.options.config);
    for (const state of topic.partitions) {
      if (!state) continue;
      const existing = hosted?.get(state.partition);
      if (!state.replicas.includes(this.options.nodeId)) {
        if (existing) this.removePartition(topicId, existing);
        continue;
      }
      const partition = existing ?? this.openPartition(topic, state.partition, settings);
      if (existing) partition.updateSettings(settings);
      const wasLeader = partition.isLeader;
      const previousEpoch = partition.leaderEpoch;
      partition.applyRegistration(state);
      if (partition.isLeader && (!wasLeader || partition.leaderEpoch !== previousEpoch)) this.tellBecameLeader(partition);
      else if (wasLeader && !partition.isLeader) this.tellResigned(partition.topicPartition);
    }
  }

  private openPartition(topic: TopicState, index: number, settings: TopicSettings): Partition {
    const { disk, clock, logger, dataDir, nodeId } = this.options;
    const tp = { topic: topic.name, partition: index };
    const partition = Partition.open({
      topicId: topic.topicId,
      topicPartition: tp,
      dir: partitionDir(dataDir, tp),
      localBrokerId: nodeId,
      settings,
      disk,
      clock,
      logger: logger.child(`${topic.name}-${index}`),
      onChange: this.options.onPartitionChange,
      replication: { replicaLagTimeMaxMs: this.options.config.int("replica.lag.time.max.ms"), ...this.options.replication },
    });
    let hosted = this.byTopicId.get(topic.topicId);
    if (!hosted) this.byTopicId.set(topic.topicId, (hosted = new Map()));
    hosted.set(index, partition);
    this.topicIdByName.set(topic.name, topic.topicId);
    return partition;
  }

  private removeTopic(topicId: string, hosted: Map<number, Partition>): void {
    for (const partition of [...hosted.values()]) this.removePartition(topicId, partition);
  }

  private removePartition(topicId: string, partition: Partition): void {
    const wasLeader = partition.isLeader;
    const hosted = this.byTopicId.get(topicId);
    hosted?.delete(partition.topicPartition.partition);
    if (hosted && hosted.size === 0) {
      this.byTopicId.delete(topicId);
      if (this.topicIdByName.get(partition.topicPartition.topic) === topicId) this.topicIdByName.delete(partition.topicPartition.topic);
    }
    partition.delete();
    this.options.logger.log("info", "deleted partition replica", { partition: partition.key, topicId });
    if (wasLeader) this.tellResigned(partition.topicPartition);
  }

  private tellBecameLeader(partition: Partition): void {
    for (const listener of this.listeners) listener.becameLeader(partition);
  }

  private tellResigned(tp: TopicPartition): void {
    for (const listener of this.listeners) listener.resigned(tp);
  }
}
