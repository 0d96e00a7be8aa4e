// The named scenarios `kconform run --scenario NAME` can choose from, in the order they run, and
// the sets the main job and `--matrix` run.
import type { Scenario } from "../harness/run/scenario.ts";
import { MATRIX_SCENARIOS, MATRIX_SUBSET } from "./matrix/index.ts";
import { safeClientBlackhole } from "./safe-client-blackhole.ts";
import { safeLeaderIsolation } from "./safe-leader-isolation.ts";
import { safeLeaderKill } from "./safe-leader-kill.ts";
import { singleNodeLinkFaults } from "./single-node-link-faults.ts";
import { strictAcks1LeaderKill } from "./strict-acks1-leader-kill.ts";
import { unsafeAcks1LeaderKill } from "./unsafe-acks1-leader-kill.ts";

export { MATRIX_SCENARIOS, MATRIX_SUBSET };

export const SCENARIOS: readonly Scenario[] = [singleNodeLinkFaults, safeLeaderKill, safeLeaderIsolation, safeClientBlackhole, unsafeAcks1LeaderKill, strictAcks1LeaderKill];

/** The chaos smoke set: the documented safe configuration under each family of fault. */
export const SMOKE_SCENARIOS: readonly Scenario[] = [singleNodeLinkFaults, safeLeaderKill, safeLeaderIsolation, safeClientBlackhole];

/**
 * What `kconform run` runs when no scenario is named: the smoke set, then the matrix subset (whose
 * acks=1 leader kill stands in for unsafe-acks1-leader-kill). The strict acks=1 scenario is built
 * to fail (it proves the suite sees loss), so it runs only when named.
 */
export const DEFAULT_SCENARIOS: readonly Scenario[] = [...SMOKE_SCENARIOS, ...MATRIX_SUBSET];

/** A named scenario or a matrix cell (`matrix-acks1-minisr1-unclean-off-leader-kill`). */
export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name) ?? MATRIX_SCENARIOS.find((scenario) => scenario.name === name);
}
