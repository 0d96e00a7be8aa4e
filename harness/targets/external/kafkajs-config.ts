// Turns a cluster's bootstrap list and security into kafkajs client config: the one place every
// workload, probe and checker client gets its connection settings from.
import type { KafkaConfig, SASLOptions } from "kafkajs";
import type { Cluster } from "../target.ts";

/**
 * kafkajs config for `cluster`; `overrides` (clientId, timeouts, retry, logLevel...) are merged on
 * top. TLS material in `cluster.security` is PEM text, passed through as-is.
 */
export function kafkaJsConfig(cluster: Pick<Cluster, "bootstrap" | "security">, overrides: Omit<KafkaConfig, "brokers"> = {}): KafkaConfig {
  const { ssl, sasl } = cluster.security;
  return {
    brokers: [...cluster.bootstrap],
    ...(ssl !== undefined && { ssl: typeof ssl === "boolean" ? ssl : { ...ssl } }),
    // Our three mechanisms are exactly kafkajs's username/password ones; TypeScript cannot see that
    // a union-typed `mechanism` fits its per-mechanism union.
    ...(sasl && { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions }),
    ...overrides,
  };
}
