// Replication's BrokerChannel over the node-to-node TCP connection of ../rpc (one PeerConnection per
// fetcher, so one connection per source broker), for nodes in separate processes.
import type { RequestBodies, ResponseBodies } from "../protocol/generated/messages.ts";
import type { RequestApiKey } from "../protocol/wire.ts";
import { PeerConnection } from "../rpc/peer-connection.ts";
import type { BrokerAddress, BrokerChannel, BrokerChannelFactory } from "./broker-channel.ts";

class PeerBrokerChannel implements BrokerChannel {
  private readonly connection: PeerConnection;

  constructor(
    target: BrokerAddress,
    clientId: string,
    private readonly requestTimeoutMs: number,
  ) {
    this.connection = new PeerConnection(target, clientId);
  }

  send<K extends RequestApiKey>(apiKey: K, apiVersion: number, body: RequestBodies[K]): Promise<ResponseBodies[K]> {
    return this.connection.send(apiKey, apiVersion, body, this.requestTimeoutMs);
  }

  close(): void {
    this.connection.close();
  }
}

/** Channels to brokers' advertised addresses; a request unanswered within requestTimeoutMs fails its connection. */
export function peerBrokerChannelFactory(localBrokerId: number, requestTimeoutMs: number): BrokerChannelFactory {
  return (target) => new PeerBrokerChannel(target, `broker-${localBrokerId}-replica-fetcher`, requestTimeoutMs);
}
