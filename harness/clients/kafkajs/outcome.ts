// How a kafkajs failure completes an operation: `fail` only when the request surely changed
// nothing on the broker, `info` (indeterminate) otherwise. Guessing `fail` for a write that did
// happen would make the checker report lost writes that are not there, so doubt means `info`.

export type FailureOutcome = { type: "fail" | "info"; error: string };

/**
 * Kafka error codes with which a broker refuses a produce or an offset commit before changing
 * anything: the partition has no leader here, the group moved on, the request is invalid.
 */
const REFUSED_BEFORE_WRITE = new Set([
  2, // CORRUPT_MESSAGE
  3, // UNKNOWN_TOPIC_OR_PARTITION
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  10, // MESSAGE_TOO_LARGE
  12, // OFFSET_METADATA_TOO_LARGE
  14, // COORDINATOR_LOAD_IN_PROGRESS
  15, // COORDINATOR_NOT_AVAILABLE
  16, // NOT_COORDINATOR
  17, // INVALID_TOPIC_EXCEPTION
  18, // RECORD_LIST_TOO_LARGE
  19, // NOT_ENOUGH_REPLICAS (checked before the append; _AFTER_APPEND, 20, is not)
  21, // INVALID_REQUIRED_ACKS
  22, // ILLEGAL_GENERATION
  25, // UNKNOWN_MEMBER_ID
  27, // REBALANCE_IN_PROGRESS
  28, // INVALID_COMMIT_OFFSET_SIZE
  29, // TOPIC_AUTHORIZATION_FAILED
  30, // GROUP_AUTHORIZATION_FAILED
  32, // INVALID_TIMESTAMP
  45, // OUT_OF_ORDER_SEQUENCE_NUMBER
  47, // INVALID_PRODUCER_EPOCH
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
  82, // FENCED_INSTANCE_ID
  87, // INVALID_RECORD
]);

/** kafkajs errors raised before any request left the client. */
const NOTHING_SENT = new Set(["KafkaJSMetadataNotLoaded", "KafkaJSTopicMetadataNotLoaded", "KafkaJSBrokerNotFound", "KafkaJSNoBrokerAvailableError"]);

interface KafkaJsErrorShape {
  name?: string;
  message?: string;
  code?: unknown;
  type?: unknown;
  retryCount?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function shape(error: unknown): KafkaJsErrorShape {
  return typeof error === "object" && error !== null ? (error as KafkaJsErrorShape) : { message: String(error) };
}

/** The errors at the bottom of kafkajs's wrappers (retries exceeded, aggregates of several brokers). */
function rootErrors(error: unknown, depth = 0): KafkaJsErrorShape[] {
  const e = shape(error);
  if (depth < 8 && Array.isArray(e.errors) && e.errors.length > 0) return e.errors.flatMap((inner) => rootErrors(inner, depth + 1));
  if (depth < 8 && e.cause !== undefined && e.cause !== error) return rootErrors(e.cause, depth + 1);
  return [e];
}

/** Whether kafkajs retried before giving up: then an earlier attempt's fate is unknown. */
function retried(error: unknown, depth = 0): boolean {
  const e = shape(error);
  if (typeof e.retryCount === "number" && e.retryCount > 0) return true;
  if (depth >= 8) return false;
  if (Array.isArray(e.errors)) return e.errors.some((inner) => retried(inner, depth + 1));
  return e.cause !== undefined && e.cause !== error && retried(e.cause, depth + 1);
}

function definitelyRefused(root: KafkaJsErrorShape): boolean {
  if (typeof root.code === "number" && root.name === "KafkaJSProtocolError") return REFUSED_BEFORE_WRITE.has(root.code);
  if (NOTHING_SENT.has(root.name ?? "")) return true;
  // A refused connection never carried the request.
  return root.name === "KafkaJSConnectionError" && (root.code === "ECONNREFUSED" || /ECONNREFUSED/.test(root.message ?? ""));
}

/** One line naming the failure, with Kafka's error name when the broker sent one. */
export function describeKafkaJsError(error: unknown): string {
  const outer = shape(error);
  const roots = rootErrors(error);
  const inner = roots.map((root) => (typeof root.type === "string" ? `${root.type}: ${root.message}` : `${root.name ?? "Error"}: ${root.message}`));
  const head = `${outer.name ?? "Error"}: ${outer.message ?? ""}`;
  const unique = [...new Set(inner)].filter((text) => text !== head);
  return unique.length === 0 ? head : `${head} (${unique.join("; ")})`;
}

/** The completion of an operation that ended with `error` from kafkajs. */
export function failureOutcome(error: unknown): FailureOutcome {
  const roots = rootErrors(error);
  const refused = !retried(error) && roots.length > 0 && roots.every(definitelyRefused);
  return { type: refused ? "fail" : "info", error: describeKafkaJsError(error) };
}
