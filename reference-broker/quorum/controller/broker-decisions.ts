// The controller's decisions about broker registrations and liveness, as plans over the image:
// a new incarnation fences the old session first (its partitions move on) and registers fenced; a
// repeated registration of the same incarnation changes nothing; fencing and unfencing only happen
// when they change something, so retried heartbeats write nothing twice.
import { planBrokerFenced, planBrokerUnfenced, type Plan, type UncleanPolicy } from "../../metadata/controller-logic.ts";
import type { MetadataImage } from "../../metadata/image.ts";
import type { RegisterBrokerRecord } from "../../metadata/records.ts";

const NOTHING: Plan = { ok: true, records: [] };

export type BrokerRegistration = Omit<RegisterBrokerRecord, "type">;

export function planBrokerRegistration(image: MetadataImage, registration: BrokerRegistration, unclean: UncleanPolicy): Plan {
  const existing = image.brokers.get(registration.brokerId);
  if (existing?.incarnation === registration.incarnation) return NOTHING;
  const previousSession = existing && !existing.fenced ? planBrokerFenced(image, registration.brokerId, unclean) : NOTHING;
  return { ok: true, records: [...(previousSession.ok ? previousSession.records : []), { type: "register-broker", ...registration }] };
}

export function planFenceIfLive(image: MetadataImage, brokerId: number, unclean: UncleanPolicy): Plan {
  return image.isLive(brokerId) ? planBrokerFenced(image, brokerId, unclean) : NOTHING;
}

export function planUnfenceIfFenced(image: MetadataImage, brokerId: number, unclean: UncleanPolicy): Plan {
  return image.brokers.has(brokerId) && !image.isLive(brokerId) ? planBrokerUnfenced(image, brokerId, unclean) : NOTHING;
}
