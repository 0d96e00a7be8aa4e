// What the controller listener's handlers may use: the node's identity, its Raft replica of the
// metadata log and, on the active controller, the controller service and its write queue.
import type { AdvertisedApi } from "../../apis/api.ts";
import type { Logger } from "../../logger.ts";
import type { ControllerService } from "../controller/controller-service.ts";
import type { ControllerWriteQueue } from "../controller/write-queue.ts";
import type { RaftRequests, RaftResponses, RaftRpc } from "../raft/messages.ts";
import type { RaftReplica } from "../raft/replica.ts";

export interface ControllerContext {
  readonly nodeId: number;
  readonly clusterId: string;
  readonly logger: Logger;
  readonly raft: RaftReplica;
  readonly controller: ControllerService;
  readonly queue: ControllerWriteQueue;
  /** Where each voter's controller listener is, for DescribeQuorum v2's node list. */
  readonly voterEndpoints: ReadonlyMap<number, { host: string; port: number }>;
  advertisedApis(): AdvertisedApi[];
}

/** One Raft RPC handled by the replica, as a promise (a fetch may be parked until data arrives). */
export function askRaft<K extends RaftRpc>(raft: RaftReplica, rpc: K, request: RaftRequests[K]): Promise<RaftResponses[K]> {
  return new Promise((resolve) => raft.handle(rpc, request, resolve));
}

/** A request naming another cluster is refused, as KRaft refuses it (INCONSISTENT_CLUSTER_ID). */
export function isForeignCluster(context: ControllerContext, clusterId: string | null | undefined): boolean {
  return clusterId !== null && clusterId !== undefined && clusterId !== context.clusterId;
}
