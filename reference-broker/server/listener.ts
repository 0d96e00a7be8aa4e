// The broker's TCP listener: accepts connections on one address and tracks them so a stopping node
// closes every socket it owns. Binding anywhere but loopback has to be asked for explicitly.
import { createServer, type Server, type Socket } from "node:net";
import { Connection, type RequestDispatcher } from "./connection.ts";
import type { Logger } from "../logger.ts";

export class ListenError extends Error {
  constructor(message: string, readonly host: string, readonly port: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ListenError";
  }
}

export interface ListenerOptions {
  name: string;
  host: string;
  port: number;
  maxRequestBytes: number;
}

export class Listener {
  private readonly connections = new Set<Connection>();
  private nextConnectionId = 1;
  private server: Server | undefined;

  constructor(
    private readonly options: ListenerOptions,
    private readonly dispatcher: RequestDispatcher,
    private readonly logger: Logger,
  ) {}

  /** Starts listening; resolves with the bound port (useful when port 0 asked for any). */
  async start(): Promise<number> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        const { host, port } = this.options;
        const why = error.code === "EADDRINUSE" ? `port ${port} on ${host} is already in use` : error.message;
        reject(new ListenError(`listener ${this.options.name} cannot listen on ${host}:${port}: ${why}`, host, port, { cause: error }));
      });
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = server.address();
    return typeof address === "object" && address ? address.port : this.options.port;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.close();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const info = {
      id: this.nextConnectionId++,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      listener: this.options.name,
    };
    const connection = new Connection(socket, info, this.dispatcher, this.logger, this.options.maxRequestBytes, (c) =>
      this.connections.delete(c),
    );
    this.connections.add(connection);
  }
}
