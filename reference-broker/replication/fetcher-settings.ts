// The replica fetchers' settings under Kafka's names and defaults. replica.fetch.wait.max.ms and
// replica.lag.time.max.ms come from the broker config; the others are not broker settings of the
// reference broker (yet) and keep Kafka's defaults.
import type { BrokerConfig } from "../config/broker-config.ts";

export interface ReplicaFetcherSettings {
  /** replica.fetch.wait.max.ms: how long the leader may hold a fetch that found nothing new. */
  maxWaitMs: number;
  /** replica.fetch.min.bytes */
  minBytes: number;
  /** replica.fetch.response.max.bytes */
  responseMaxBytes: number;
  /** replica.fetch.max.bytes: per partition (the first batch comes whole even when larger). */
  partitionMaxBytes: number;
  /** replica.fetch.backoff.ms: the pause after an error, per partition or for the whole fetcher. */
  backoffMs: number;
  /** replica.socket.timeout.ms: a request not answered by then fails and the connection is dropped. */
  requestTimeoutMs: number;
}

export const KAFKA_FETCHER_DEFAULTS: Omit<ReplicaFetcherSettings, "maxWaitMs"> = {
  minBytes: 1,
  responseMaxBytes: 10 * 1024 * 1024,
  partitionMaxBytes: 1024 * 1024,
  backoffMs: 1_000,
  requestTimeoutMs: 30_000,
};

export function replicaFetcherSettings(config: BrokerConfig): ReplicaFetcherSettings {
  const maxWaitMs = config.int("replica.fetch.wait.max.ms");
  // Kafka insists the socket timeout outlasts the fetch wait, or every idle fetch would time out.
  return { ...KAFKA_FETCHER_DEFAULTS, maxWaitMs, requestTimeoutMs: Math.max(KAFKA_FETCHER_DEFAULTS.requestTimeoutMs, maxWaitMs + 1_000) };
}
