// BrokerRegistration (key 62), versions 0-4, on the controller listener: a starting broker registers
// a new incarnation with its client endpoint and rack; the active controller fences an earlier live
// session of the same id first, and answers with the broker epoch (the registration's log offset).
// Not implemented: feature negotiation (features are accepted as given), log directories.
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { ControllerContext } from "../quorum/node/controller-context.ts";
import type { ApiHandler } from "./api.ts";

export const brokerRegistration: ApiHandler<typeof ApiKey.BrokerRegistration, ControllerContext> = {
  apiKey: ApiKey.BrokerRegistration,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, context) {
    const { brokerId, clusterId, incarnationId, listeners, rack } = request.body;
    const refuse = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, brokerEpoch: -1n });
    if (clusterId !== context.clusterId) return refuse(ErrorCode.INCONSISTENT_CLUSTER_ID);
    const endpoint = listeners.find((l) => l.name === "PLAINTEXT") ?? listeners[0];
    if (!endpoint) return refuse(ErrorCode.INVALID_REGISTRATION);
    const answer = await context.controller.registerBroker({ brokerId, incarnation: incarnationId, host: endpoint.host, port: endpoint.port, rack });
    return { throttleTimeMs: 0, errorCode: answer.errorCode, brokerEpoch: BigInt(answer.brokerEpoch) };
  },
};
