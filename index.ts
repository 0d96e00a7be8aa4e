// kconform as a library: the spec catalogue and the means to run it from a user's own test suite
// (`import { specs, assertSpec } from "kconform"`), the targets that start or attach to a cluster,
// and the history checker. The CLI (`kconform run`) is built from the same pieces.
export { specs, specByName } from "./specs/index.ts";
export { assertSpec, runSpec, runSpecs, SpecFailedError, type SpecRunOptions } from "./specs/run-spec.ts";
export { needsOwnedBrokers, specTargetOf, type Spec, type SpecContext, type SpecTarget } from "./specs/spec.ts";
export { SpecSetupError } from "./specs/kit/clients.ts";
export { SCENARIOS, DEFAULT_SCENARIOS, scenarioByName } from "./scenarios/index.ts";
export { startReferenceCluster, type ReferenceCluster, type ReferenceClusterOptions } from "./harness/targets/reference/cluster.ts";
export { startKafkaCluster } from "./harness/targets/kafka/cluster.ts";
export { connectExternal } from "./harness/targets/external/connect.ts";
export type { Cluster, ClusterNode, ClientSecurity } from "./harness/targets/target.ts";
export { checkHistory } from "./harness/checker/catalogue.ts";
export { readHistoryFile } from "./harness/history/reader.ts";
export type { RunResult, SpecResult, ScenarioResult, MatrixCell } from "./harness/run/result.ts";
export { KconformError, CouldNotRunError } from "./harness/errors.ts";
