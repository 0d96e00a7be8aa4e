// A connection from this broker to another one, as replication needs it: send a request of any API
// and version, get its decoded response. Over TCP between processes, or in-process on a simulated
// network; the fetchers never know which.
import { KconformError } from "../../harness/errors.ts";
import type { RequestBodies, ResponseBodies } from "../protocol/generated/messages.ts";
import type { RequestApiKey } from "../protocol/wire.ts";

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
}

export interface BrokerChannel {
  /** Resolves with the response body; rejects when the connection fails or was closed. */
  send<K extends RequestApiKey>(apiKey: K, apiVersion: number, body: RequestBodies[K]): Promise<ResponseBodies[K]>;
  /** Closes the connection; requests still waiting reject. */
  close(): void;
}

/** Opens a channel to a broker (lazily: connection failures surface on the first send). */
export type BrokerChannelFactory = (target: BrokerAddress) => BrokerChannel;

/** The channel failed: connection refused or lost, closed while waiting, or a request timed out. */
export class BrokerChannelError extends KconformError {
  constructor(message: string, readonly target: BrokerAddress) {
    super(message, "broker-channel", { nodeId: target.nodeId, address: `${target.host}:${target.port}` });
  }
}
