// The contract of one API handler (one file per API key in this folder, kfake-style): the versions
// it serves and a function from a decoded request to its response body, or null for no response.
import type { DecodedRequest, RequestApiKey } from "../protocol/wire.ts";
import type { ResponseBodies } from "../protocol/generated/messages.ts";
import type { ConnectionInfo } from "../server/connection.ts";

export type RequestOf<K extends RequestApiKey> = Extract<DecodedRequest, { apiKey: K }>;

export interface ApiHandler<K extends RequestApiKey, Ctx> {
  readonly apiKey: K;
  /** The range advertised in ApiVersions; requests outside it close the connection, as in Kafka. */
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(
    request: RequestOf<K>,
    context: Ctx,
    connection: ConnectionInfo,
  ): Promise<ResponseBodies[K] | null> | ResponseBodies[K] | null;
}

/** Any handler, for the table that the dispatcher and ApiVersions read. */
export type AnyApiHandler<Ctx> = { [K in RequestApiKey]: ApiHandler<K, Ctx> }[RequestApiKey];

export interface AdvertisedApi {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}
