// ApiVersions (key 18), versions 0-4: the APIs and version ranges this broker serves. A version
// above 4 that still decodes is answered at v0 with UNSUPPORTED_VERSION, as Kafka does, so the
// client falls back; one we cannot decode at all is answered by the dispatcher the same way.
import { ApiKey } from "../protocol/generated/messages.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { AdvertisedApi, ApiHandler } from "./api.ts";

export interface ApiVersionsContext {
  advertisedApis(): AdvertisedApi[];
}

export const apiVersions: ApiHandler<typeof ApiKey.ApiVersions, ApiVersionsContext> = {
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle(_request, context) {
    return { errorCode: ErrorCode.NONE, apiKeys: context.advertisedApis(), throttleTimeMs: 0 };
  },
};
