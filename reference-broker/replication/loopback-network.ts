// An in-process network between brokers, for tests and a simulated cluster: a request is encoded
// with the codec, decoded and handled by the target node's dispatcher as if it came off a socket,
// and its response decoded back, so both ends run the code they run over TCP. A channel is one
// connection: its requests are handled one after another, as a broker handles a connection's. A
// node can be paused (a SIGSTOP: its traffic waits) or disconnected (a dead process or a cut link:
// its traffic fails).
import type { RequestBodies, ResponseBodies } from "../protocol/generated/messages.ts";
import { decodeRequest, decodeResponse, encodeRequest, type RequestApiKey } from "../protocol/wire.ts";
import type { RequestDispatcher } from "../server/connection.ts";
import { BrokerChannelError, type BrokerAddress, type BrokerChannel, type BrokerChannelFactory } from "./broker-channel.ts";

const SIZE_PREFIX = 4;

export class LoopbackNetwork {
  private readonly nodes = new Map<number, RequestDispatcher>();
  private readonly disconnected = new Set<number>();
  private readonly paused = new Map<number, { resumed: Promise<void>; resume: () => void }>();
  private connections = 0;

  /** The node now answers requests sent to its id. */
  attach(nodeId: number, dispatcher: RequestDispatcher): void {
    this.nodes.set(nodeId, dispatcher);
  }

  detach(nodeId: number): void {
    this.nodes.delete(nodeId);
  }

  /** The node's traffic, both ways, waits until resume(). */
  pause(nodeId: number): void {
    if (this.paused.has(nodeId)) return;
    let resume = () => {};
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    this.paused.set(nodeId, { resumed, resume });
  }

  resume(nodeId: number): void {
    this.paused.get(nodeId)?.resume();
    this.paused.delete(nodeId);
  }

  /** The node's traffic, both ways, fails until reconnect(). */
  disconnect(nodeId: number): void {
    this.disconnected.add(nodeId);
  }

  reconnect(nodeId: number): void {
    this.disconnected.delete(nodeId);
  }

  /** Channels from `fromNodeId` to the others (addresses are ignored: node ids route). */
  channelFactory(fromNodeId: number): BrokerChannelFactory {
    return (target) => new LoopbackChannel(this, fromNodeId, target);
  }

  /** @internal one request frame (size-prefixed) from a node to another; resolves with the response frame. */
  async deliver(from: number, target: BrokerAddress, frame: Buffer): Promise<Buffer> {
    await this.passable(from, target);
    const dispatcher = this.nodes.get(target.nodeId);
    if (!dispatcher) throw new BrokerChannelError(`node ${target.nodeId} is not on the network`, target);
    const connection = { id: ++this.connections, remote: `node-${from}`, listener: "loopback" };
    const response = await dispatcher.dispatch(decodeRequest(frame.subarray(SIZE_PREFIX)), connection);
    if (response === null) throw new BrokerChannelError(`node ${target.nodeId} sent no response`, target);
    await this.passable(from, target);
    return response;
  }

  /** Waits while either end is paused; fails when either end is disconnected. */
  private async passable(from: number, target: BrokerAddress): Promise<void> {
    for (;;) {
      if (this.disconnected.has(from) || this.disconnected.has(target.nodeId)) {
        throw new BrokerChannelError(`no route from node ${from} to node ${target.nodeId}`, target);
      }
      const pause = this.paused.get(from) ?? this.paused.get(target.nodeId);
      if (!pause) return;
      await pause.resumed;
    }
  }
}

class LoopbackChannel implements BrokerChannel {
  private readonly waiting = new Set<(error: Error) => void>();
  /** The request before the next one: a connection's requests are handled in order. */
  private tail: Promise<unknown> = Promise.resolve();
  private correlationId = 0;
  private closed = false;

  constructor(
    private readonly network: LoopbackNetwork,
    private readonly from: number,
    private readonly target: BrokerAddress,
  ) {}

  send<K extends RequestApiKey>(apiKey: K, apiVersion: number, body: RequestBodies[K]): Promise<ResponseBodies[K]> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new BrokerChannelError(`channel to node ${this.target.nodeId} is closed`, this.target));
        return;
      }
      const fail = (error: Error) => {
        this.waiting.delete(fail);
        reject(error);
      };
      this.waiting.add(fail);
      const frame = encodeRequest(apiKey, apiVersion, ++this.correlationId, `broker-${this.from}`, body);
      const delivered = this.tail.then(() => this.network.deliver(this.from, this.target, frame));
      this.tail = delivered.catch(() => {});
      delivered.then((response) => {
        if (!this.waiting.delete(fail)) return;
        try {
          resolve(decodeResponse(apiKey, apiVersion, response.subarray(SIZE_PREFIX)).body);
        } catch (error) {
          reject(error);
        }
      }, fail);
    });
  }

  close(): void {
    this.closed = true;
    for (const fail of [...this.waiting]) fail(new BrokerChannelError(`channel to node ${this.target.nodeId} was closed`, this.target));
  }
}
