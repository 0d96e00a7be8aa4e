// A broker joining and leaving the cluster through the metadata quorum, as KRaft brokers do: on
// start it registers a new incarnation (fenced) and is unfenced, which gives it back the leadership
// of partitions that had none; on a clean stop it is fenced (controlled shutdown), so its
// partitions are led elsewhere or go offline with a new leader epoch. A previous session that never
// said goodbye (a crash) is fenced first, so leadership always passes through a new epoch.
import { randomUUID } from "node:crypto";
import type { BrokerConfig } from "../config/broker-config.ts";
import { planBrokerFenced, planBrokerUnfenced, type Plan, type UncleanPolicy } from "../metadata/controller-logic.ts";
import type { MetadataImage } from "../metadata/image.ts";
import { effectiveTopicConfig } from "../metadata/topic-config.ts";
import { NodeStartError } from "./errors.ts";
import type { MetadataQuorum } from "./metadata-quorum.ts";

export interface BrokerEndpoint {
  brokerId: number;
  host: string;
  port: number;
  rack: string | null;
}

/** Whether each topic allows unclean leader election: its override, else the broker setting. */
export function uncleanPolicy(image: MetadataImage, config: BrokerConfig): UncleanPolicy {
  return (topic) => effectiveTopicConfig(image.configOverrides("topic", topic), config.values).uncleanLeaderElection;
}

const NOTHING: Plan = { ok: true, records: [] };

async function commit(quorum: MetadataQuorum, what: string, decide: (image: MetadataImage) => Plan): Promise<void> {
  const plan = await quorum.write(decide);
  if (!plan.ok) throw new NodeStartError(`${what} was refused by the controller: ${plan.error}: ${plan.message}`, "registration-refused", { error: plan.error });
}

export async function registerBroker(quorum: MetadataQuorum, endpoint: BrokerEndpoint, config: BrokerConfig): Promise<void> {
  const { brokerId } = endpoint;
  await commit(quorum, "fencing the previous session", (image) =>
    image.isLive(brokerId) ? planBrokerFenced(image, brokerId, uncleanPolicy(image, config)) : NOTHING,
  );
  await commit(quorum, "broker registration", () => ({
    ok: true,
    records: [{ type: "register-broker", brokerId, incarnation: randomUUID(), host: endpoint.host, port: endpoint.port, rack: endpoint.rack }],
  }));
  await commit(quorum, "unfencing", (image) => planBrokerUnfenced(image, brokerId, uncleanPolicy(image, config)));
}

/** Controlled shutdown: fenced, so no client is sent to a broker that is going away. */
export async function fenceBroker(quorum: MetadataQuorum, brokerId: number, config: BrokerConfig): Promise<void> {
  await commit(quorum, "controlled shutdown", (image) =>
    image.isLive(brokerId) ? planBrokerFenced(image, brokerId, uncleanPolicy(image, config)) : NOTHING,
  );
}
