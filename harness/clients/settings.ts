// Library-independent client settings: what a scenario asks of its producers and consumers, in
// Kafka's own configuration words. Each client library maps them onto its own options.

export type Acks = 0 | 1 | "all";

export interface ProducerSettings {
  acks: Acks;
  /** enable.idempotence: the broker drops retried duplicates (needs acks=all). */
  idempotent: boolean;
  /** How often a failed produce request is retried inside the client. */
  retries: number;
  /** max.in.flight.requests.per.connection. */
  maxInFlight: number;
}

export interface ConsumerSettings {
  /** enable.auto.commit: the client commits polled positions on its own. */
  autoCommit: boolean;
  autoCommitIntervalMs: number;
  sessionTimeoutMs: number;
  /** How long a poll waits for records before completing empty. */
  pollTimeoutMs: number;
}

export interface ClientTimeouts {
  /** An operation still running after this completes as info (indeterminate). */
  operationMs: number;
  /** Bound on one request to a broker. */
  requestMs: number;
  connectMs: number;
}

/** What one worker is: the runner builds its client from this. */
export type ClientSpec =
  | { role: "producer"; process: number; producer: ProducerSettings; timeouts: ClientTimeouts }
  | { role: "consumer"; process: number; consumer: ConsumerSettings; timeouts: ClientTimeouts };

export const DEFAULT_TIMEOUTS: ClientTimeouts = { operationMs: 10_000, requestMs: 5_000, connectMs: 3_000 };

export const SAFE_PRODUCER: ProducerSettings = { acks: "all", idempotent: true, retries: 10, maxInFlight: 1 };

export const DEFAULT_CONSUMER: ConsumerSettings = { autoCommit: false, autoCommitIntervalMs: 1_000, sessionTimeoutMs: 10_000, pollTimeoutMs: 500 };

/** Why these producer settings cannot work together, or undefined. */
export function producerSettingsProblem(settings: ProducerSettings): string | undefined {
  if (settings.idempotent && settings.acks !== "all") return `an idempotent producer needs acks=all, got acks=${settings.acks}`;
  if (settings.idempotent && settings.retries < 1) return "an idempotent producer needs retries of at least 1";
  if (settings.idempotent && settings.maxInFlight > 5) return `an idempotent producer allows at most 5 requests in flight, got ${settings.maxInFlight}`;
  if (!Number.isInteger(settings.retries) || settings.retries < 0) return `retries must be a non-negative integer, got ${settings.retries}`;
  if (!Number.isInteger(settings.maxInFlight) || settings.maxInFlight < 1) return `max in-flight requests must be a positive integer, got ${settings.maxInFlight}`;
  return undefined;
}
