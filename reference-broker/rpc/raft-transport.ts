// The Raft core's transport over TCP: each RPC becomes its Kafka request to the peer's controller
// listener (Fetch on a lane of its own, since the leader parks it), and any failure — refused,
// lost, timed out, unreadable — becomes the "no response" the core retries on.
import { ApiKey } from "../protocol/generated/messages.ts";
import type { RaftRequests, RaftResponses, RaftRpc, RaftTransport } from "../quorum/raft/messages.ts";
import type { PeerNetwork } from "./peer-pool.ts";
import {
  beginQuorumEpochRequestToWire,
  endQuorumEpochRequestToWire,
  fetchRequestToWire,
  fetchResponseFromWire,
  fetchSnapshotRequestToWire,
  fetchSnapshotResponseFromWire,
  quorumEpochResponseFromWire,
  RAFT_VERSIONS,
  voteRequestToWire,
  voteResponseFromWire,
} from "./raft-wire.ts";

export interface RaftTransportSettings {
  clusterId: string;
  /** controller.quorum.request.timeout.ms; a fetch may take its maxWaitMs longer. */
  requestTimeoutMs: number;
  fetchMaxBytes: number;
}

export class TcpRaftTransport implements RaftTransport {
  constructor(
    private readonly pool: PeerNetwork,
    private readonly settings: RaftTransportSettings,
  ) {}

  send<K extends RaftRpc>(destination: number, rpc: K, request: RaftRequests[K], onResponse: (response: RaftResponses[K] | undefined) => void): void {
    this.call(destination, rpc, request).then(
      (response) => deliver(onResponse, response as RaftResponses[K]),
      () => deliver(onResponse, undefined),
    );
  }

  private async call(destination: number, rpc: RaftRpc, request: RaftRequests[RaftRpc]): Promise<RaftResponses[RaftRpc]> {
    const { clusterId, requestTimeoutMs, fetchMaxBytes } = this.settings;
    switch (rpc) {
      case "vote": {
        const wire = voteRequestToWire(clusterId, request as RaftRequests["vote"]);
        return voteResponseFromWire(await this.pool.send(destination, "raft", ApiKey.Vote, RAFT_VERSIONS.vote, wire, requestTimeoutMs));
      }
      case "begin-quorum-epoch": {
        const wire = beginQuorumEpochRequestToWire(clusterId, request as RaftRequests["begin-quorum-epoch"]);
        return quorumEpochResponseFromWire(await this.pool.send(destination, "raft", ApiKey.BeginQuorumEpoch, RAFT_VERSIONS.beginQuorumEpoch, wire, requestTimeoutMs));
      }
      case "end-quorum-epoch": {
        const wire = endQuorumEpochRequestToWire(clusterId, request as RaftRequests["end-quorum-epoch"]);
        return quorumEpochResponseFromWire(await this.pool.send(destination, "raft", ApiKey.EndQuorumEpoch, RAFT_VERSIONS.endQuorumEpoch, wire, requestTimeoutMs));
      }
      case "fetch": {
        const fetch = request as RaftRequests["fetch"];
        const wire = fetchRequestToWire(clusterId, fetch, fetchMaxBytes);
        const timeout = requestTimeoutMs + fetch.maxWaitMs;
        return fetchResponseFromWire(await this.pool.send(destination, "raft-fetch", ApiKey.Fetch, RAFT_VERSIONS.fetch, wire, timeout));
      }
      case "fetch-snapshot": {
        const wire = fetchSnapshotRequestToWire(clusterId, request as RaftRequests["fetch-snapshot"]);
        return fetchSnapshotResponseFromWire(await this.pool.send(destination, "raft", ApiKey.FetchSnapshot, RAFT_VERSIONS.fetchSnapshot, wire, requestTimeoutMs));
      }
    }
  }
}

/**
 * Hands the response to the core outside the promise chain: a failure in the core (a broken
 * invariant, a disk that cannot fsync) must crash the node as Kafka halts, not vanish in a rejection.
 */
function deliver<T>(onResponse: (response: T) => void, response: T): void {
  try {
    onResponse(response);
  } catch (error) {
    setImmediate(() => {
      throw error;
    });
  }
}
