// JoinGroup (key 11), versions 0-9: a member joins (or rejoins) a classic group and is parked until
// the join phase ends; the leader gets every member's metadata to run the assignor the clients
// chose (range, roundrobin, cooperative-sticky: the broker only passes them through). v4+ new
// members first get MEMBER_ID_REQUIRED, v5+ carries group.instance.id (static membership), v9 tells
// a static leader to skip the assignment. Served from v0, which librdkafka's consumer requires to
// be advertised even though it joins with newer versions.
// Not implemented: authorization.
import { joinErrorResponse } from "../groups/classic-group.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import { groupRequestContext } from "../group-service/request-context.ts";
import type { ApiHandler } from "./api.ts";

/** ProtocolName is nullable from v7. */
const FIRST_NULLABLE_PROTOCOL_NAME_VERSION = 7;

export const joinGroup: ApiHandler<typeof ApiKey.JoinGroup, GroupApiContext> = {
  apiKey: ApiKey.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  handle(request, context, connection) {
    const groupContext = groupRequestContext(request, connection);
    return context.groups.run(
      request.body.groupId,
      (coordinator) => coordinator.joinGroup(request.body, groupContext),
      (errorCode) => {
        const response = joinErrorResponse("", errorCode);
        return Promise.resolve(request.apiVersion < FIRST_NULLABLE_PROTOCOL_NAME_VERSION ? { ...response, protocolName: "" } : response);
      },
    );
  },
};
