// DescribeGroups (key 15), versions 0-5: state, protocol and members of each group (member metadata
// and assignments only when Stable), what kafka-consumer-groups --describe prints. A group that
// does not exist is described as Dead; one whose coordinator is elsewhere carries NOT_COORDINATOR.
// With no authorizer every group operation is allowed, so v3+ reports them all when asked.
import { GROUP_OPERATIONS } from "../broker/authorized-operations.ts";
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import type { ApiHandler } from "./api.ts";

export const describeGroups: ApiHandler<typeof ApiKey.DescribeGroups, GroupApiContext> = {
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request, context) {
    const groups = context.groups.describeGroups(request.body.groups);
    if (request.body.includeAuthorizedOperations) {
      for (const group of groups) if (group.errorCode === ErrorCode.NONE) group.authorizedOperations = GROUP_OPERATIONS;
    }
    return { throttleTimeMs: 0, groups };
  },
};
