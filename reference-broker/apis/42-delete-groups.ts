// DeleteGroups (key 42), versions 0-2: removes Empty groups and their committed offsets, written as
// tombstones to __consumer_offsets by the group's coordinator (kafka-consumer-groups --delete,
// kafkajs admin.deleteGroups). A group with members is NON_EMPTY_GROUP, an unknown one
// GROUP_ID_NOT_FOUND, one coordinated elsewhere NOT_COORDINATOR.
// Not implemented: authorization; consumer-protocol (KIP-848) groups, which this broker does not have.
import { ApiKey } from "../protocol/generated/messages.ts";
import type { GroupApiContext } from "../group-service/group-service.ts";
import type { ApiHandler } from "./api.ts";

export const deleteGroups: ApiHandler<typeof ApiKey.DeleteGroups, GroupApiContext> = {
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, context) {
    const results = await Promise.all(
      request.body.groupsNames.map(async (groupId) => {
        const [result] = await context.groups.run(
          groupId,
          (coordinator) => coordinator.deleteGroups([groupId]),
          (errorCode) => Promise.resolve([{ groupId, errorCode }]),
        );
        return result;
      }),
    );
    return { throttleTimeMs: 0, results };
  },
};
