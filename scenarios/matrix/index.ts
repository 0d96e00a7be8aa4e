// The guarantee matrix as scenarios: all 60 cells for `kconform run --matrix`, and the few the
// main job runs — the documented safe configuration under a leader kill (must stay clean) and
// acks=1 under the same kill (must show the loss the documentation allows).
import type { Scenario } from "../../harness/run/scenario.ts";
import { matrixKeys } from "./prediction.ts";
import { matrixScenario } from "./scenario.ts";

export const MATRIX_SCENARIOS: readonly Scenario[] = matrixKeys().map(matrixScenario);

export const MATRIX_SUBSET: readonly Scenario[] = [
  matrixScenario({ acks: "all", minInsyncReplicas: 2, uncleanElection: false, fault: "leader-kill" }),
  matrixScenario({ acks: "1", minInsyncReplicas: 1, uncleanElection: false, fault: "leader-kill" }),
];
