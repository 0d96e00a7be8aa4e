// LeaveGroup (key 13), versions 0-5: members leave at once instead of waiting out their sessions,
// which starts a rebalance; one member by id below v3, a batch of members (by id or, for static
// members, by group.instance.id) from v3, with a reason from v5.
// Not implemented: authorization.
import { ApiKey } from "../protocol/generated/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import { groupRequestContext } from "../group-service/request-context.ts";
import type { ApiHandler } from "./api.ts";

export const leaveGroup: ApiHandler<typeof ApiKey.LeaveGroup, GroupApiContext> = {
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(request, context, connection) {
    const groupContext = groupRequestContext(request, connection);
    return context.groups.run(
      request.body.groupId,
      (coordinator) => coordinator.leaveGroup(request.body, groupContext),
      (errorCode) => ({ throttleTimeMs: 0, errorCode, members: [] }),
    );
  },
};
