// Guarantee: a consumer that commits each record's offset before processing it never has a record
// processed twice, even when it crashes and a replacement takes over its group; records may be lost.
// Source: kafka-notes.md "Consumer delivery semantics" ("At most once: offsets committed once a message
// is received; if processing fails, message will be lost"); https://kafka.apache.org/documentation/#semantics
import fc from "fast-check";
import { deliverySpecRun, deliveryWorkloadArbitrary, type DeliveryAnomalyKind } from "./kit/groups.ts";
import type { Spec } from "./spec.ts";

/** The anomalies this guarantee level tolerates. */
export const AT_MOST_ONCE_ALLOWED: readonly DeliveryAnomalyKind[] = ["lost"];

export const atMostOnceDelivery: Spec = {
  name: "at-most-once-delivery",
  guarantee: "A consumer that commits before processing never processes a record twice when it crashes and a replacement takes over its group; loss is allowed.",
  source: 'kafka-notes.md "Consumer delivery semantics": "At most once: offsets committed once a message is received; if processing fails, message will be lost (they won\'t be read again)"; https://kafka.apache.org/documentation/#semantics',
  numRuns: 3,
  timeLimitMs: 25_000,
  property: (context) =>
    fc.asyncProperty(deliveryWorkloadArbitrary(fc.constant(1)), (workload) => deliverySpecRun(context, { ...workload, order: "commit-then-process", allowed: AT_MOST_ONCE_ALLOWED })),
};
