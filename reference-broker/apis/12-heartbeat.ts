// Heartbeat (key 12), versions 0-4: keeps a member's session alive and tells it when the group is
// rebalancing (REBALANCE_IN_PROGRESS: rejoin). While the group's coordinator is still loading the
// heartbeat is answered NONE, as Kafka does, so members are not pushed into a rejoin by a failover.
// Not implemented: authorization.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import { groupRequestContext } from "../group-service/request-context.ts";
import type { ApiHandler } from "./api.ts";

export const heartbeat: ApiHandler<typeof ApiKey.Heartbeat, GroupApiContext> = {
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(request, context, connection) {
    const groupContext = groupRequestContext(request, connection);
    return context.groups.run(
      request.body.groupId,
      (coordinator) => coordinator.heartbeat(request.body, groupContext),
      (errorCode) => ({ throttleTimeMs: 0, errorCode: errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.NONE : errorCode }),
    );
  },
};
