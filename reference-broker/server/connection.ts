// One client connection: splits the byte stream into frames, decodes each request, hands it to the
// dispatcher and writes responses strictly in request order (Kafka answers a connection's requests
// in the order they came). Bad input closes this connection only, with a log line saying why.
import { FrameReader } from "../protocol/frame-reader.ts";
import { ProtocolDecodeError } from "../protocol/codec-errors.ts";
import { decodeRequest, type DecodedRequest } from "../protocol/wire.ts";
import { apiKeyName } from "../protocol/api-keys.ts";
import type { Logger } from "../logger.ts";

/** The byte stream under a connection: a TCP socket, or a simulated link in tests. */
export interface ByteStream {
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  write(data: Buffer): boolean;
  destroy(): void;
}

export interface ConnectionInfo {
  readonly id: number;
  readonly remote: string;
  readonly listener: string;
}

export interface RequestDispatcher {
  /**
   * Handles one decoded request and returns the response frame, or null when none is due
   * (acks=0 produce). May reject: the connection is then closed and the failure logged.
   */
  dispatch(request: DecodedRequest, connection: ConnectionInfo): Promise<Buffer | null> | Buffer | null;
  /** A request whose header could be read but whose version this broker cannot decode. */
  unsupportedVersion?(error: ProtocolDecodeError, connection: ConnectionInfo): Buffer | null;
}

export class Connection {
  private readonly frames: FrameReader;
  /** Requests are processed one after another; this is the tail of that chain. */
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly stream: ByteStream,
    readonly info: ConnectionInfo,
    private readonly dispatcher: RequestDispatcher,
    private readonly logger: Logger,
    maxRequestBytes: number,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    this.frames = new FrameReader(maxRequestBytes);
    stream.on("data", (chunk) => this.receive(chunk));
    stream.on("error", (error) => this.logger.log("debug", "connection error", { ...this.facts(), error: error.message }));
    stream.on("close", () => this.markClosed());
  }

  close(): void {
    if (!this.closed) this.stream.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed(this);
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Buffer[];
    try {
      frames = this.frames.push(chunk);
    } catch (error) {
      this.reject(error);
      return;
    }
    for (const frame of frames) this.tail = this.tail.then(() => this.process(frame));
  }

  private async process(frame: Buffer): Promise<void> {
    if (this.closed) return;
    let request: DecodedRequest;
    try {
      request = decodeRequest(frame);
    } catch (error) {
      const answer = error instanceof ProtocolDecodeError && error.reason === "unsupported-version"
        ? this.dispatcher.unsupportedVersion?.(error, this.info)
        : undefined;
      if (answer) {
        // ApiVersions of a version we do not know is answered (v0, with our ranges), then the
        // client retries with a version we serve: the connection stays open.
        this.stream.write(answer);
        return;
      }
      this.reject(error);
      return;
    }
    try {
      const response = await this.dispatcher.dispatch(request, this.info);
      if (response && !this.closed) this.stream.write(response);
    } catch (error) {
      this.logger.log("error", "request failed; closing the connection", {
        ...this.facts(),
        clientId: request.clientId ?? "",
        api: `${apiKeyName(request.apiKey) ?? request.apiKey} v${request.apiVersion}`,
        correlationId: request.correlationId,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      this.close();
    }
  }

  /** Malformed input: log who sent what and why, then drop this connection only. */
  private reject(error: unknown): void {
    const facts: Record<string, unknown> = { ...this.facts() };
    if (error instanceof ProtocolDecodeError) {
      const context = error.context as { clientId?: string | null };
      if (context.clientId !== undefined) facts.clientId = context.clientId ?? "";
      if (error.apiKey !== undefined) facts.api = `${apiKeyName(error.apiKey) ?? `key ${error.apiKey}`} v${error.apiVersion}`;
      facts.reason = error.message;
    } else {
      facts.reason = error instanceof Error ? error.message : String(error);
    }
    this.logger.log("warn", "closing connection after a malformed request", facts);
    this.close();
  }

  private facts(): Record<string, unknown> {
    return { connection: this.info.id, remote: this.info.remote, listener: this.info.listener };
  }
}
