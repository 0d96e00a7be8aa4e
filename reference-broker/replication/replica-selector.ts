// Fetching from the closest replica (KIP-392): replica.selector.class names the policy, and the only
// one Kafka ships, RackAwareReplicaSelector, sends a consumer that says its rack to an in-sync
// replica in that rack (the leader when it is there, else the most caught-up one). The leader
// answers such a consumer's Fetch with that replica as its preferred read replica.
import { CouldNotRunError } from "../../harness/errors.ts";
import type { MetadataImage } from "../metadata/image.ts";
import type { ReplicaState } from "./replica-state.ts";

export const RACK_AWARE_REPLICA_SELECTOR = "org.apache.kafka.common.replica.RackAwareReplicaSelector";

/** replica.selector.class names a policy this broker does not have (Kafka fails to start then, too). */
export class UnknownReplicaSelectorError extends CouldNotRunError {}

/** One replica as a selector sees it (Kafka's ReplicaView). */
export interface ReplicaView {
  brokerId: number;
  rack: string | null;
  logEndOffset: number;
  /** 0 for the leader. */
  timeSinceLastCaughtUpMs: number;
}

export interface ReplicaSelector {
  /** Picks among `replicas`, which include `leader`. */
  select(clientRack: string, leader: ReplicaView, replicas: readonly ReplicaView[]): ReplicaView;
}

/** Kafka's ReplicaView.comparator: larger log end offset, then more recently caught up, then larger id. */
function moreCaughtUp(a: ReplicaView, b: ReplicaView): number {
  if (a.logEndOffset !== b.logEndOffset) return a.logEndOffset > b.logEndOffset ? 1 : -1;
  // Compared, not subtracted: a follower never caught up is infinitely behind.
  if (a.timeSinceLastCaughtUpMs !== b.timeSinceLastCaughtUpMs) return a.timeSinceLastCaughtUpMs < b.timeSinceLastCaughtUpMs ? 1 : -1;
  return a.brokerId - b.brokerId;
}

export const rackAwareReplicaSelector: ReplicaSelector = {
  select(clientRack, leader, replicas) {
    if (clientRack === "") return leader;
    const sameRack = replicas.filter((replica) => replica.rack === clientRack);
    if (sameRack.length === 0 || sameRack.some((replica) => replica.brokerId === leader.brokerId)) return leader;
    return sameRack.reduce((best, replica) => (moreCaughtUp(replica, best) > 0 ? replica : best));
  },
};

/** The selector replica.selector.class asks for; undefined (no follower fetching) when unset. */
export function replicaSelectorFor(className: string | null): ReplicaSelector | undefined {
  if (className === null || className === "") return undefined;
  if (className === RACK_AWARE_REPLICA_SELECTOR) return rackAwareReplicaSelector;
  throw new UnknownReplicaSelectorError(`replica.selector.class=${className} is not available; the reference broker has ${RACK_AWARE_REPLICA_SELECTOR}`, "unknown-replica-selector", {
    className,
  });
}

/** What the choice needs from the leader's partition. */
export interface LeaderReplicaView {
  readonly localBrokerId: number;
  readonly isLeader: boolean;
  readonly log: { readonly logEndOffset: number };
  readonly inSyncReplicaIds: readonly number[];
  readonly followerStates: ReadonlyMap<number, ReplicaState>;
}

/**
 * Kafka's findPreferredReadReplica: only on the leader, only in-sync followers that are live and
 * hold fetchOffset; undefined when the choice is the leader itself.
 */
export function findPreferredReadReplica(
  partition: LeaderReplicaView,
  image: MetadataImage,
  selector: ReplicaSelector,
  clientRack: string,
  fetchOffset: number,
  nowMs: number,
): number | undefined {
  if (!partition.isLeader) return undefined;
  const rackOf = (id: number) => image.brokers.get(id)?.rack ?? null;
  const leader: ReplicaView = { brokerId: partition.localBrokerId, rack: rackOf(partition.localBrokerId), logEndOffset: partition.log.logEndOffset, timeSinceLastCaughtUpMs: 0 };
  const candidates: ReplicaView[] = [leader];
  for (const [id, state] of partition.followerStates) {
    if (!partition.inSyncReplicaIds.includes(id) || !image.isLive(id)) continue;
    if (state.logEndOffset < fetchOffset || state.logStartOffset > fetchOffset) continue;
    candidates.push({ brokerId: id, rack: rackOf(id), logEndOffset: state.logEndOffset, timeSinceLastCaughtUpMs: nowMs - state.lastCaughtUpTimeMs });
  }
  const selected = selector.select(clientRack, leader, candidates);
  return selected.brokerId === leader.brokerId ? undefined : selected.brokerId;
}
