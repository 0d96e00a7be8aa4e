// FindCoordinator (key 10), versions 0-4: the broker leading the offsets partition a group id hashes
// to, one key below v4 and a batch of keys (coordinator_keys) from v4. The first request creates
// __consumer_offsets and is told COORDINATOR_NOT_AVAILABLE, as in Kafka. There is no transaction
// coordinator yet: TRANSACTION keys are COORDINATOR_NOT_AVAILABLE, the answer Kafka gives while its
// transaction coordinator cannot serve. Any other key type is INVALID_REQUEST (SHARE needs v6).
// Not implemented: authorization.
import { errorByCode, ErrorCode } from "../protocol/errors.ts";
import { ApiKey } from "../protocol/generated/messages.ts";
import { noCoordinator, type CoordinatorEndpoint, type GroupApiContext } from "../group-service/group-service.ts";
import type { ApiHandler } from "./api.ts";

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;
const FIRST_BATCHED_VERSION = 4;

export const findCoordinator: ApiHandler<typeof ApiKey.FindCoordinator, GroupApiContext> = {
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 4,
  handle(request, context) {
    const body = request.body;
    const keyType = body.keyType ?? GROUP_KEY_TYPE;
    const lookup = (key: string): CoordinatorEndpoint => {
      if (keyType === GROUP_KEY_TYPE) return context.groups.findGroupCoordinator(key);
      return noCoordinator(keyType === TRANSACTION_KEY_TYPE ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.INVALID_REQUEST);
    };
    if (request.apiVersion >= FIRST_BATCHED_VERSION) {
      return {
        throttleTimeMs: 0,
        coordinators: (body.coordinatorKeys ?? []).map((key) => ({ key, ...lookup(key), errorMessage: null })),
      };
    }
    const found = lookup(body.key ?? "");
    // Kafka's Errors.message(): the exception's message, or the error's name for NONE.
    const errorMessage = found.errorCode === ErrorCode.NONE ? "NONE" : (errorByCode(found.errorCode)?.message ?? null);
    return { throttleTimeMs: 0, ...found, errorMessage };
  },
};
