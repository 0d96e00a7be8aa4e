// The Kafka error codes the idempotent-producer state returns, by Kafka's names. The full error
// table lives with the protocol; this subset keeps producer state free of that dependency.

export const ErrorCode = {
  NONE: 0,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  INVALID_REQUEST: 42,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_RECORD: 87,
} as const;
