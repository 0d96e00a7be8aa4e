// AlterConfigs (key 33), versions 0-2: the legacy form, where the configs given become the
// resource's whole set of overrides (those not named are removed), as kafkajs admin.alterConfigs
// and older tools send it. Topics only; see config-alteration.ts for what is shared with key 44.
// Not implemented: broker resources (refused, INVALID_REQUEST); alter-config policies; quotas.
import { ApiKey } from "../protocol/generated/messages.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";
import { alterConfigResources } from "./config-alteration.ts";

export const alterConfigs: ApiHandler<typeof ApiKey.AlterConfigs, BrokerContext> = {
  apiKey: ApiKey.AlterConfigs,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, context) {
    const resources = request.body.resources.map((r) => ({
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      change: { kind: "legacy" as const, configs: r.configs.map((c) => ({ name: c.name, value: c.value })) },
    }));
    const responses = await alterConfigResources(context, resources, request.body.validateOnly);
    return { throttleTimeMs: 0, responses };
  },
};
