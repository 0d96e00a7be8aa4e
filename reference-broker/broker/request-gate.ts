// Holds requests that arrive between the listener binding (which must come first, to learn the
// port a broker registers with) and the node being ready, as Kafka only enables request processing
// once start-up is complete.
import type { ProtocolDecodeError } from "../protocol/codec-errors.ts";
import type { DecodedRequest } from "../protocol/wire.ts";
import type { ConnectionInfo, RequestDispatcher } from "../server/connection.ts";

export class RequestGate implements RequestDispatcher {
  private isOpen = false;
  private release: () => void = () => {};
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));

  constructor(private readonly inner: RequestDispatcher) {}

  open(): void {
    this.isOpen = true;
    this.release();
  }

  dispatch(request: DecodedRequest, connection: ConnectionInfo): Promise<Buffer | null> | Buffer | null {
    if (this.isOpen) return this.inner.dispatch(request, connection);
    return this.opened.then(() => this.inner.dispatch(request, connection));
  }

  unsupportedVersion(error: ProtocolDecodeError, connection: ConnectionInfo): Buffer | null {
    return this.inner.unsupportedVersion?.(error, connection) ?? null;
  }
}
