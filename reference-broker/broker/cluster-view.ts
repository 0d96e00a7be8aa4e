// Cluster facts several APIs report the same way: the live (unfenced) brokers with their
// advertised endpoints, and the "controller" clients are shown, which in KRaft is a random live
// broker because clients cannot talk to controllers.
import type { MetadataImage } from "../metadata/image.ts";

export interface BrokerEndpointView {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export function liveBrokers(image: MetadataImage): BrokerEndpointView[] {
  return [...image.brokers.values()]
    .filter((broker) => !broker.fenced)
    .sort((a, b) => a.brokerId - b.brokerId)
    .map((broker) => ({ nodeId: broker.brokerId, host: broker.host, port: broker.port, rack: broker.rack }));
}

/** -1 when no broker is live. */
export function randomLiveBrokerId(image: MetadataImage, random: () => number = Math.random): number {
  const live = image.liveBrokerIds();
  return live.length === 0 ? -1 : live[Math.floor(random() * live.length)];
}
