// InitProducerId (key 22), versions 0-4, for idempotent producers: a new producer id at epoch 0
// from durably reserved blocks. A transactional id is answered as a Kafka broker answers for an id
// whose transaction-state partition it does not host (NOT_COORDINATOR; no broker hosts one here,
// and FindCoordinator for transactions finds none); an empty one is INVALID_REQUEST.
// Not implemented: transactions (their APIs are not advertised).
import { ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import type { BrokerContext } from "../broker/context.ts";
import type { ApiHandler } from "./api.ts";

export const initProducerId: ApiHandler<typeof ApiKey.InitProducerId, BrokerContext> = {
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 4,
  async handle(request, context) {
    const { transactionalId } = request.body;
    if (transactionalId !== null) {
      const errorCode = transactionalId === "" ? ErrorCode.INVALID_REQUEST : ErrorCode.NOT_COORDINATOR;
      return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 };
    }
    return context.producerIds.initProducerId(request.body);
  },
};
