// The acks=1 leader kill judged strictly, as if acks=1 promised durability: the run must fail
// with lost-write and its evidence. This is the check that the suite reports loss when it happens.
import type { Scenario } from "../harness/run/scenario.ts";
import { unsafeAcks1LeaderKill } from "./unsafe-acks1-leader-kill.ts";

export const strictAcks1LeaderKill: Scenario = {
  ...unsafeAcks1LeaderKill,
  name: "strict-acks1-leader-kill",
  description: `${unsafeAcks1LeaderKill.description}; judged as if no acknowledged write may be lost`,
  guarantee: "Strict reading: no acknowledged record may be lost. Kafka does not promise this for acks=1, so this scenario is expected to FAIL with lost-write.",
  allowed: ["duplicate"],
  expected: ["lost-write"],
};
