// IncrementalAlterConfigs (key 44), versions 0-1: SET, DELETE, APPEND and SUBTRACT on single keys
// (kafka-configs --alter --add-config/--delete-config, the Java AdminClient). Topic changes are
// committed through the metadata quorum and every broker applies them live (retention, segment
// sizes, min.insync.replicas; unclean.leader.election.enable at the controller's next periodic
// unclean election, as in KRaft). See config-alteration.ts for what is shared with key 33.
// Not implemented: broker, broker-logger, client-metrics and group resources (INVALID_REQUEST);
// alter-config policies; quotas.
import { ApiKey } from "../protocol/generated/messages.ts";
import type { ConfigOperationId } from "../metadata/config-changes.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";
import { alterConfigResources } from "./config-alteration.ts";

export const incrementalAlterConfigs: ApiHandler<typeof ApiKey.IncrementalAlterConfigs, BrokerContext> = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, context) {
    const resources = request.body.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      change: {
        kind: "incremental" as const,
        // An unknown operation id passes through so the shared checks can refuse it by number.
        changes: r.configs.map((c) => ({ name: c.name, operation: c.configOperation as ConfigOperationId, value: c.value })),
      },
    }));
    const responses = await alterConfigResources(context, resources, request.body.validateOnly);
    return { throttleTimeMs: 0, responses };
  },
};
