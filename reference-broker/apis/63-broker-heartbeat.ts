// BrokerHeartbeat (key 63), versions 0-1, on the controller listener: a registered broker's sign of
// life with the metadata offset it applied. The active controller unfences it once caught up,
// fences it when it asks to (wantFence) or is shutting down (wantShutDown, then shouldShutDown),
// and answers a broker epoch that is not the current registration's with STALE_BROKER_EPOCH.
// Not implemented: offline log directories.
import { ApiKey } from "../protocol/generated/messages.ts";
import type { ControllerContext } from "../quorum/node/controller-context.ts";
import type { ApiHandler } from "./api.ts";

export const brokerHeartbeat: ApiHandler<typeof ApiKey.BrokerHeartbeat, ControllerContext> = {
  apiKey: ApiKey.BrokerHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(request, context) {
    const { brokerId, brokerEpoch, currentMetadataOffset, wantFence, wantShutDown } = request.body;
    const answer = await context.controller.heartbeat({ brokerId, brokerEpoch: Number(brokerEpoch), currentMetadataOffset: Number(currentMetadataOffset), wantFence, wantShutDown });
    return { throttleTimeMs: 0, ...answer };
  },
};
