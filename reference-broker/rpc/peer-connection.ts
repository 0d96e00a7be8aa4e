// One TCP connection from this node to a peer's listener, speaking the Kafka protocol with the
// project's codec: requests pipelined and matched to responses by correlation id, each with its own
// timeout. A timeout, socket error or close fails every waiting request and ends the connection (a
// late answer on a stalled connection would only confuse), so the owner opens a new one.
import { connect, type Socket } from "node:net";
import { KconformError } from "../../harness/errors.ts";
import { apiKeyName } from "../protocol/api-keys.ts";
import { FrameReader } from "../protocol/frame-reader.ts";
import type { RequestBodies, ResponseBodies } from "../protocol/generated/messages.ts";
import { decodeResponse, encodeRequest, type RequestApiKey } from "../protocol/wire.ts";

export interface PeerAddress {
  nodeId: number;
  host: string;
  port: number;
}

/** The peer could not be asked or did not answer: refused, lost, timed out, or closed meanwhile. */
export class PeerRequestError extends KconformError {
  constructor(message: string, readonly peer: PeerAddress, api?: string) {
    super(message, "peer-request", { nodeId: peer.nodeId, address: `${peer.host}:${peer.port}`, ...(api ? { api } : {}) });
  }
}

interface Waiting {
  deliver(frame: Buffer): void;
  fail(error: Error): void;
  timer: NodeJS.Timeout;
}

export class PeerConnection {
  private readonly socket: Socket;
  private readonly waiting = new Map<number, Waiting>();
  private readonly frames = new FrameReader();
  private correlationId = 0;
  private failure: Error | undefined;

  constructor(
    readonly peer: PeerAddress,
    private readonly clientId: string,
  ) {
    this.socket = connect({ host: peer.host, port: peer.port, noDelay: true });
    this.socket.on("data", (chunk) => this.receive(chunk));
    this.socket.on("error", (error) => this.fail(`connection to node ${peer.nodeId} failed: ${error.message}`));
    this.socket.on("close", () => this.fail(`connection to node ${peer.nodeId} closed`));
  }

  get isOpen(): boolean {
    return this.failure === undefined;
  }

  send<K extends RequestApiKey>(apiKey: K, apiVersion: number, body: RequestBodies[K], timeoutMs: number): Promise<ResponseBodies[K]> {
    const api = `${apiKeyName(apiKey) ?? apiKey} v${apiVersion}`;
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const correlationId = ++this.correlationId;
      const timer = setTimeout(() => this.fail(`${api} to node ${this.peer.nodeId} got no answer within ${timeoutMs} ms`, api), timeoutMs);
      timer.unref();
      this.waiting.set(correlationId, {
        deliver: (frame) => {
          try {
            resolve(decodeResponse(apiKey, apiVersion, frame).body);
          } catch (error) {
            reject(new PeerRequestError(`unreadable ${api} response from node ${this.peer.nodeId}: ${(error as Error).message}`, this.peer, api));
          }
        },
        fail: reject,
        timer,
      });
      this.socket.write(encodeRequest(apiKey, apiVersion, correlationId, this.clientId, body));
    });
  }

  close(): void {
    this.fail(`connection to node ${this.peer.nodeId} was closed by this node`);
  }

  private receive(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (error) {
      this.fail(`unreadable response from node ${this.peer.nodeId}: ${(error as Error).message}`);
      return;
    }
    for (const frame of frames) {
      const correlationId = frame.readInt32BE(0);
      const waiting = this.waiting.get(correlationId);
      if (!waiting) continue;
      this.waiting.delete(correlationId);
      clearTimeout(waiting.timer);
      waiting.deliver(frame);
    }
  }

  private fail(message: string, api?: string): void {
    this.failure ??= new PeerRequestError(message, this.peer, api);
    this.socket.destroy();
    for (const waiting of this.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.fail(this.failure);
    }
    this.waiting.clear();
  }
}
