// The named scenarios `kconform run --scenario NAME` can choose from, in the order they run.
import type { Scenario } from "../harness/run/scenario.ts";
import { safeClientBlackhole } from "./safe-client-blackhole.ts";
import { safeLeaderIsolation } from "./safe-leader-isolation.ts";
import { safeLeaderKill } from "./safe-leader-kill.ts";
import { singleNodeLinkFaults } from "./single-node-link-faults.ts";
import { strictAcks1LeaderKill } from "./strict-acks1-leader-kill.ts";
import { unsafeAcks1LeaderKill } from "./unsafe-acks1-leader-kill.ts";

export const SCENARIOS: readonly Scenario[] = [singleNodeLinkFaults, safeLeaderKill, safeLeaderIsolation, safeClientBlackhole, unsafeAcks1LeaderKill, strictAcks1LeaderKill];

/**
 * What `kconform run` runs when no scenario is named: those a conforming broker passes. The strict
 * acks=1 scenario is built to fail (it proves the suite sees loss), so it runs only when named.
 */
export const DEFAULT_SCENARIOS: readonly Scenario[] = SCENARIOS.filter((scenario) => scenario !== strictAcks1LeaderKill);

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
