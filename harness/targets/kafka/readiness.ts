// The client's view of readiness: a node can log "started" before the controller has unfenced it,
// so the cluster is ready only once an admin client, through the advertised addresses, sees them all.
import { Kafka, logLevel } from "kafkajs";
import { setTimeout as sleep } from "node:timers/promises";

export interface BrokerView {
  nodeId: number;
  host: string;
  port: number;
}

export type BrokersWait = { outcome: "ready"; brokers: BrokerView[] } | { outcome: "timeout"; seen: BrokerView[]; lastError?: string };

async function describeOnce(bootstrap: readonly string[]): Promise<BrokerView[]> {
  const kafka = new Kafka({
    clientId: "kconform-readiness",
    brokers: [...bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    return brokers.map(({ nodeId, host, port }) => ({ nodeId, host, port }));
  } finally {
    await admin.disconnect();
  }
}

/** Poll describeCluster until every id in `brokerIds` is registered, or the time is up. */
export async function waitForBrokers(bootstrap: readonly string[], brokerIds: readonly number[], timeoutMs: number): Promise<BrokersWait> {
  const deadline = performance.now() + timeoutMs;
  let seen: BrokerView[] = [];
  let lastError: string | undefined;
  for (;;) {
    try {
      seen = await describeOnce(bootstrap);
      lastError = undefined;
      const ids = new Set(seen.map((broker) => broker.nodeId));
      if (brokerIds.every((id) => ids.has(id))) return { outcome: "ready", brokers: seen };
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (performance.now() >= deadline) return { outcome: "timeout", seen, ...(lastError !== undefined ? { lastError } : {}) };
    await sleep(250);
  }
}
