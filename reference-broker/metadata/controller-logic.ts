// The controller's decisions as pure functions over the metadata image: each turns a request or an
// event (a broker fenced or back) into the metadata records that carry it out, or into a Kafka
// error. The single-node broker and the Raft quorum commit the same records.
import { randomBytes } from "node:crypto";
import type { MetadataImage, PartitionState } from "./image.ts";
import { NO_LEADER, type MetadataRecord, type PartitionChangeRecord } from "./records.ts";
import { collidesWith, topicNameProblem } from "./topic-names.ts";
import { topicConfigProblem } from "./topic-config.ts";

export type Plan =
  | { ok: true; records: MetadataRecord[] }
  | { ok: false; error: string; message: string };

const refuse = (error: string, message: string): Plan => ({ ok: false, error, message });

export interface CreateTopicSpec {
  name: string;
  /** -1 for the broker's num.partitions. */
  numPartitions: number;
  /** -1 for the broker's default.replication.factor. */
  replicationFactor: number;
  /** Explicit replica lists per partition; when present, numPartitions and replicationFactor are -1. */
  assignments?: { partitionIndex: number; brokerIds: number[] }[];
  configs?: { name: string; value: string | null }[];
}

/** Kafka's Uuid string form: URL-safe base64 of 16 random bytes, without padding. */
export function newTopicId(): string {
  return randomBytes(16).toString("base64url");
}

export function planCreateTopic(
  image: MetadataImage,
  spec: CreateTopicSpec,
  defaults: { numPartitions: number; replicationFactor: number },
  topicId: string = newTopicId(),
): Plan {
  const nameProblem = topicNameProblem(spec.name);
  if (nameProblem) return refuse("INVALID_TOPIC_EXCEPTION", nameProblem);
  if (image.topicsByName.has(spec.name)) return refuse("TOPIC_ALREADY_EXISTS", `Topic '${spec.name}' already exists.`);
  const collision = collidesWith(spec.name, image.topicsByName.keys());
  if (collision) return refuse("INVALID_TOPIC_EXCEPTION", `Topic '${spec.name}' collides with existing topic: ${collision}`);
  for (const { name, value } of spec.configs ?? []) {
    const problem = topicConfigProblem(name, value);
    if (problem) return refuse("INVALID_CONFIG", problem);
  }

  const live = image.liveBrokerIds();
  let replicaLists: number[][];
  if (spec.assignments && spec.assignments.length > 0) {
    if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
      return refuse("INVALID_REQUEST", "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.");
    }
    const assigned = planExplicitAssignment(image, spec.assignments);
    if (!Array.isArray(assigned)) return assigned;
    replicaLists = assigned;
  } else {
    const numPartitions = spec.numPartitions === -1 ? defaults.numPartitions : spec.numPartitions;
    const replicationFactor = spec.replicationFactor === -1 ? defaults.replicationFactor : spec.replicationFactor;
    if (numPartitions <= 0) return refuse("INVALID_PARTITIONS", "Number of partitions was set to an invalid non-positive value.");
    if (replicationFactor <= 0) {
      return refuse("INVALID_REPLICATION_FACTOR", "Replication factor must be larger than 0, or -1 to use the default value.");
    }
    if (replicationFactor > live.length) {
      return refuse(
        "INVALID_REPLICATION_FACTOR",
        `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${live.length} broker(s) are registered.`,
      );
    }
    replicaLists = placeReplicas(live, numPartitions, replicationFactor, image.topicsByName.size);
  }

  const records: MetadataRecord[] = [{ type: "topic", name: spec.name, topicId }];
  replicaLists.forEach((replicas, partition) => {
    const isr = replicas.filter((id) => image.isLive(id));
    const leader = isr[0] ?? NO_LEADER;
    records.push({ type: "partition", topicId, partition, replicas, isr: isr.length > 0 ? isr : [replicas[0]], leader });
  });
  for (const { name, value } of spec.configs ?? []) {
    records.push({ type: "config", resourceType: "topic", resourceName: spec.name, name, value: value as string });
  }
  return { ok: true, records };
}

function planExplicitAssignment(
  image: MetadataImage,
  assignments: NonNullable<CreateTopicSpec["assignments"]>,
): number[][] | Plan {
  const sorted = [...assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
  const lists: number[][] = [];
  for (const [i, { partitionIndex, brokerIds }] of sorted.entries()) {
    if (partitionIndex !== i) return refuse("INVALID_REPLICA_ASSIGNMENT", "Partitions must be numbered 0 to N-1 without gaps.");
    if (brokerIds.length === 0) return refuse("INVALID_REPLICA_ASSIGNMENT", `Partition ${i} has an empty replica list.`);
    if (new Set(brokerIds).size !== brokerIds.length) {
      return refuse("INVALID_REPLICA_ASSIGNMENT", `Duplicate brokers not allowed in replica assignment: ${brokerIds.join(", ")} for partition id ${i}.`);
    }
    const unknown = brokerIds.find((id) => !image.brokers.has(id));
    if (unknown !== undefined) return refuse("INVALID_REPLICA_ASSIGNMENT", `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`);
    lists.push([...brokerIds]);
  }
  return lists;
}

/**
 * Round-robin placement: partition p's leader is the (start + p)-th live broker and its followers
 * the next ones, so leaders spread evenly. The start moves with the topic count so successive
 * topics do not all put partition 0 on the same broker.
 */
export function placeReplicas(live: readonly number[], numPartitions: number, replicationFactor: number, start: number): number[][] {
  const lists: number[][] = [];
  for (let p = 0; p < numPartitions; p++) {
    const replicas: number[] = [];
    for (let r = 0; r < replicationFactor; r++) replicas.push(live[(start + p + r) % live.length]);
    lists.push(replicas);
  }
  return lists;
}

export function planDeleteTopic(image: MetadataImage, name: string): Plan {
  const topic = image.topicsByName.get(name);
  if (!topic) return refuse("UNKNOWN_TOPIC_OR_PARTITION", "This server does not host this topic-partition.");
  return { ok: true, records: [{ type: "remove-topic", topicId: topic.topicId }] };
}

/** Whether a topic lets an out-of-sync replica become leader (unclean.leader.election.enable). */
export type UncleanPolicy = (topicName: string) => boolean;

/**
 * A broker was fenced (died, or stopped heartbeating): it leaves every ISR — except where it is
 * the last member, since Kafka never empties an ISR — and partitions it led get a new leader from
 * the rest of the ISR, or an out-of-sync live replica where unclean election is allowed.
 */
export function planBrokerFenced(image: MetadataImage, brokerId: number, unclean: UncleanPolicy): Plan {
  const records: MetadataRecord[] = [{ type: "fence-broker", brokerId }];
  const stillLive = (id: number) => id !== brokerId && image.isLive(id);
  for (const topic of image.topicsById.values()) {
    for (const state of topic.partitions) {
      if (!state.isr.includes(brokerId) && state.leader !== brokerId) continue;
      const isr = state.isr.length > 1 ? state.isr.filter((id) => id !== brokerId) : [...state.isr];
      const change = electLeader(state, isr, stillLive, unclean(topic.name), state.leader !== brokerId);
      if (change) records.push(change);
    }
  }
  return { ok: true, records };
}

/** A fenced broker is back: partitions left without a leader that it can lead get it. */
export function planBrokerUnfenced(image: MetadataImage, brokerId: number, unclean: UncleanPolicy): Plan {
  const records: MetadataRecord[] = [{ type: "unfence-broker", brokerId }];
  const live = (id: number) => id === brokerId || image.isLive(id);
  for (const topic of image.topicsById.values()) {
    for (const state of topic.partitions) {
      if (state.leader !== NO_LEADER || !state.replicas.includes(brokerId)) continue;
      const change = electLeader(state, [...state.isr], live, unclean(topic.name), false);
      if (change) records.push(change);
    }
  }
  return { ok: true, records };
}

/** Offline partitions of topics that allow unclean election get any live replica as leader. */
export function planUncleanElections(image: MetadataImage, unclean: UncleanPolicy): Plan {
  const records: MetadataRecord[] = [];
  const live = (id: number) => image.isLive(id);
  for (const topic of image.topicsById.values()) {
    if (!unclean(topic.name)) continue;
    for (const state of topic.partitions) {
      if (!image.isOffline(state)) continue;
      const change = electLeader(state, [...state.isr], live, true, false);
      if (change) records.push(change);
    }
  }
  return { ok: true, records };
}

/**
 * Choose a leader: keep the current one when asked to and it is live; else the first replica (in
 * assignment order, so the preferred leader wins ties) that is in the ISR and live; else, when
 * unclean election is allowed, the first live replica, which becomes the whole ISR.
 */
export function electLeader(
  state: PartitionState,
  isr: number[],
  isLive: (id: number) => boolean,
  unclean: boolean,
  keepCurrent: boolean,
): PartitionChangeRecord | undefined {
  let leader = keepCurrent && isLive(state.leader) ? state.leader : NO_LEADER;
  let newIsr = isr;
  if (leader === NO_LEADER) leader = state.replicas.find((id) => isr.includes(id) && isLive(id)) ?? NO_LEADER;
  if (leader === NO_LEADER && unclean) {
    leader = state.replicas.find((id) => isLive(id)) ?? NO_LEADER;
    if (leader !== NO_LEADER) newIsr = [leader];
  }
  const isrChanged = newIsr.length !== state.isr.length || newIsr.some((id, i) => id !== state.isr[i]);
  if (leader === state.leader && !isrChanged) return undefined;
  return {
    type: "partition-change",
    topicId: state.topicId,
    partition: state.partition,
    ...(leader !== state.leader ? { leader } : {}),
    ...(isrChanged ? { isr: newIsr } : {}),
  };
}

export interface AlterPartitionRequest {
  topicId: string;
  partition: number;
  leaderId: number;
  leaderEpoch: number;
  partitionEpoch: number;
  newIsr: number[];
}

/** A leader asks to shrink or expand its ISR (AlterPartition); stale or fenced requests are refused. */
export function planAlterPartition(image: MetadataImage, request: AlterPartitionRequest): Plan {
  const state = image.topicsById.get(request.topicId)?.partitions[request.partition];
  if (!state) return refuse("UNKNOWN_TOPIC_OR_PARTITION", `Partition ${request.topicId}-${request.partition} does not exist.`);
  if (state.leader !== request.leaderId || state.leaderEpoch !== request.leaderEpoch) {
    return refuse("FENCED_LEADER_EPOCH", `Broker ${request.leaderId} at epoch ${request.leaderEpoch} is not the leader of the partition (leader ${state.leader}, epoch ${state.leaderEpoch}).`);
  }
  if (state.partitionEpoch !== request.partitionEpoch) {
    return refuse("INVALID_UPDATE_VERSION", `Partition epoch ${request.partitionEpoch} is stale; the current one is ${state.partitionEpoch}.`);
  }
  if (!request.newIsr.includes(request.leaderId)) return refuse("INVALID_REQUEST", "The new ISR must contain the leader.");
  const ineligible = request.newIsr.find((id) => !state.replicas.includes(id) || (!image.isLive(id) && !state.isr.includes(id)));
  if (ineligible !== undefined) return refuse("INELIGIBLE_REPLICA", `Replica ${ineligible} is not eligible to join the ISR.`);
  return { ok: true, records: [{ type: "partition-change", topicId: request.topicId, partition: request.partition, isr: [...request.newIsr] }] };
}

/** Move leadership back to each partition's first replica where it is live and in sync. */
export function planPreferredLeaderElection(image: MetadataImage): Plan {
  const records: MetadataRecord[] = [];
  for (const topic of image.topicsById.values()) {
    for (const state of topic.partitions) {
      const preferred = state.replicas[0];
      if (state.leader === preferred || !state.isr.includes(preferred) || !image.isLive(preferred)) continue;
      records.push({ type: "partition-change", topicId: state.topicId, partition: state.partition, leader: preferred });
    }
  }
  return { ok: true, records };
}
