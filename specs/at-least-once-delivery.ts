// Guarantee: a consumer that commits its offsets only after processing loses nothing when it
// crashes and a replacement takes over its group; records may be processed twice.
// Source: kafka-notes.md "Consumer delivery semantics" ("At least once: offsets are committed after the
// message is processed ... can be duplicate processing"); https://kafka.apache.org/documentation/#semantics
import fc from "fast-check";
import { deliverySpecRun, deliveryWorkloadArbitrary, type DeliveryAnomalyKind } from "./kit/groups.ts";
import type { Spec } from "./spec.ts";

/** The anomalies this guarantee level tolerates. */
export const AT_LEAST_ONCE_ALLOWED: readonly DeliveryAnomalyKind[] = ["duplicate"];

export const atLeastOnceDelivery: Spec = {
  name: "at-least-once-delivery",
  guarantee: "A consumer that commits after processing loses no record when it crashes and a replacement takes over its group; duplicates are allowed.",
  source: 'kafka-notes.md "Consumer delivery semantics": "At least once: offsets are committed after the message is processed; if processing goes wrong, the message will be read again"; https://kafka.apache.org/documentation/#semantics',
  numRuns: 3,
  timeLimitMs: 25_000,
  property: (context) =>
    fc.asyncProperty(deliveryWorkloadArbitrary(fc.integer({ min: 1, max: 5 })), (workload) => deliverySpecRun(context, { ...workload, order: "process-then-commit", allowed: AT_LEAST_ONCE_ALLOWED })),
};
