// The connections of one node to its peers, one per peer and lane. Lanes keep traffic that waits
// (a long-polled Fetch, a proposal waiting for its commit) from holding up traffic that must not
// (votes, heartbeats): a Kafka listener answers one connection's requests strictly in order.
import type { RequestBodies, ResponseBodies } from "../protocol/generated/messages.ts";
import type { RequestApiKey } from "../protocol/wire.ts";
import { PeerConnection, PeerRequestError, type PeerAddress } from "./peer-connection.ts";

export type Lane = "raft" | "raft-fetch" | "controller" | "proposal";

/** Requests to other nodes by node id: over TCP (PeerPool), or a simulated network in one process. */
export interface PeerNetwork {
  send<K extends RequestApiKey>(nodeId: number, lane: Lane, apiKey: K, apiVersion: number, body: RequestBodies[K], timeoutMs: number): Promise<ResponseBodies[K]>;
  close(): void;
}

export class PeerPool implements PeerNetwork {
  private readonly connections = new Map<string, PeerConnection>();
  private closed = false;

  constructor(
    private readonly clientId: string,
    /** Where a node listens (its controller listener); undefined for a node not known. */
    private readonly addressOf: (nodeId: number) => PeerAddress | undefined,
  ) {}

  /** Rejects with PeerRequestError when the peer is unknown, unreachable or silent. */
  send<K extends RequestApiKey>(nodeId: number, lane: Lane, apiKey: K, apiVersion: number, body: RequestBodies[K], timeoutMs: number): Promise<ResponseBodies[K]> {
    const address = this.addressOf(nodeId);
    if (!address) return Promise.reject(new PeerRequestError(`no address known for node ${nodeId}`, { nodeId, host: "", port: 0 }));
    if (this.closed) return Promise.reject(new PeerRequestError(`connections of this node are closed`, address));
    const key = `${nodeId}/${lane}`;
    let connection = this.connections.get(key);
    if (!connection || !connection.isOpen || connection.peer.host !== address.host || connection.peer.port !== address.port) {
      connection?.close();
      connection = new PeerConnection(address, this.clientId);
      this.connections.set(key, connection);
    }
    return connection.send(apiKey, apiVersion, body, timeoutMs);
  }

  close(): void {
    this.closed = true;
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }
}
