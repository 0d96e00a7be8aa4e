// Typed failures of the node's request paths, each carrying the Kafka error it is answered with, and
// the one mapping from any failure to a wire error code (unexpected failures become
// UNKNOWN_SERVER_ERROR and are the only ones worth a log line).
import { CouldNotRunError, KconformError } from "../../harness/errors.ts";
import { LogError } from "../log/errors.ts";
import { ErrorCode, type ErrorName } from "../protocol/errors.ts";

/** A request that Kafka would refuse for this partition or resource, with Kafka's error name. */
export class BrokerApiError extends KconformError {
  constructor(
    message: string,
    readonly kafkaError: ErrorName,
    context: Record<string, unknown> = {},
  ) {
    super(message, kafkaError.toLowerCase().replace(/_/g, "-"), context);
  }
}

/** The node cannot start: a foreign or damaged data directory, a refused registration. */
export class NodeStartError extends CouldNotRunError {}

export interface WireError {
  errorCode: number;
  message: string;
  /** False for failures that mean a bug or a broken disk rather than a refused request. */
  expected: boolean;
}

export function wireError(error: unknown): WireError {
  if (error instanceof BrokerApiError) return { errorCode: ErrorCode[error.kafkaError], message: error.message, expected: true };
  if (error instanceof LogError) {
    const expected = error.kafkaError !== "UNKNOWN_SERVER_ERROR" && error.kafkaError !== "KAFKA_STORAGE_ERROR";
    return { errorCode: ErrorCode[error.kafkaError], message: error.message, expected };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, message, expected: false };
}
