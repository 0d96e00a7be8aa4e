// Requests from a broker to the active controller (the metadata quorum's leader): registration,
// heartbeats, ISR changes, forwarded DescribeQuorum. Which node that is comes from the Raft replica.
import type { RequestBodies, ResponseBodies } from "../protocol/generated/messages.ts";
import type { RequestApiKey } from "../protocol/wire.ts";
import { PeerRequestError } from "./peer-connection.ts";
import type { Lane, PeerNetwork } from "./peer-pool.ts";

export class ControllerChannel {
  constructor(
    private readonly pool: PeerNetwork,
    /** The active controller's node id, or -1 while none is known. */
    private readonly activeController: () => number,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Rejects with PeerRequestError when no controller is known or it does not answer. Requests that
   * wait for a commit (AlterPartition) take the "proposal" lane, so heartbeats never queue behind them.
   */
  send<K extends RequestApiKey>(apiKey: K, apiVersion: number, body: RequestBodies[K], lane: Lane = "controller"): Promise<ResponseBodies[K]> {
    const controllerId = this.activeController();
    if (controllerId < 0) return Promise.reject(new PeerRequestError("no active controller is known yet", { nodeId: -1, host: "", port: 0 }));
    return this.pool.send(controllerId, lane, apiKey, apiVersion, body, this.timeoutMs);
  }
}
