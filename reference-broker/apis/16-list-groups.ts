// ListGroups (key 16), versions 0-5: every group this broker coordinates, with its state (v4+, which
// may filter by state) and type (v5+, which may filter by type; every group here is "classic").
// Not implemented: authorization.
import { ApiKey } from "../protocol/generated/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import type { ApiHandler } from "./api.ts";

export const listGroups: ApiHandler<typeof ApiKey.ListGroups, GroupApiContext> = {
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, context) {
    return context.groups.listGroups(request.body);
  },
};
