// Routes decoded requests to the handler of their API key and encodes the answers. A request for an
// API or version not served is refused here, once, for every handler.
import { encodeResponse } from "../protocol/wire.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { ProtocolDecodeError } from "../protocol/codec-errors.ts";
import { apiKeyName } from "../protocol/api-keys.ts";
import type { DecodedRequest } from "../protocol/wire.ts";
import type { ConnectionInfo, RequestDispatcher } from "../server/connection.ts";
import type { AdvertisedApi, AnyApiHandler } from "./api.ts";

export class UnsupportedRequestError extends Error {
  constructor(readonly apiKey: number, readonly apiVersion: number, served: AdvertisedApi | undefined) {
    const api = apiKeyName(apiKey) ?? `API key ${apiKey}`;
    super(served
      ? `${api} v${apiVersion} is not served (versions ${served.minVersion}-${served.maxVersion} are)`
      : `${api} is not served by this broker`);
    this.name = "UnsupportedRequestError";
  }
}

export class ApiDispatcher<Ctx> implements RequestDispatcher {
  private readonly handlers = new Map<number, AnyApiHandler<Ctx>>();

  constructor(handlers: readonly AnyApiHandler<Ctx>[], private readonly context: Ctx) {
    for (const handler of handlers) this.handlers.set(handler.apiKey, handler);
  }

  /** What ApiVersions advertises: exactly the handlers present, in API key order. */
  advertised(): AdvertisedApi[] {
    return [...this.handlers.values()]
      .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }

  async dispatch(request: DecodedRequest, connection: ConnectionInfo): Promise<Buffer | null> {
    const handler = this.handlers.get(request.apiKey);
    if (!handler || request.apiVersion < handler.minVersion || request.apiVersion > handler.maxVersion) {
      throw new UnsupportedRequestError(request.apiKey, request.apiVersion, handler);
    }
    const body = await (handler.handle as (r: DecodedRequest, c: Ctx, i: ConnectionInfo) => unknown)(request, this.context, connection);
    if (body === null) return null;
    return encodeResponse(request.apiKey, request.apiVersion, request.correlationId, body as never);
  }

  /**
   * An ApiVersions request newer than the definitions we were generated from: answer with a v0
   * response carrying UNSUPPORTED_VERSION and our ranges, so the client can pick a version we serve.
   */
  unsupportedVersion(error: ProtocolDecodeError): Buffer | null {
    if (error.apiKey !== ApiKey.ApiVersions || !error.header) return null;
    return encodeResponse(ApiKey.ApiVersions, 0, error.header.correlationId, {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: this.advertised(),
    });
  }
}
