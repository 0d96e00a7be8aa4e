// The package's entry for plain Node and test runners that do not compile TypeScript themselves:
// loads index.ts through tsx, so kconform works straight from a checkout or an install with no build
// step. TypeScript users get the types from index.ts (the "types" condition in package.json).
import { tsImport } from "tsx/esm/api";

const kconform = await tsImport("./index.ts", import.meta.url);

export const {
  specs,
  specByName,
  assertSpec,
  runSpec,
  runSpecs,
  SpecFailedError,
  needsOwnedBrokers,
  specTargetOf,
  SpecSetupError,
  SCENARIOS,
  DEFAULT_SCENARIOS,
  scenarioByName,
  startReferenceCluster,
  startKafkaCluster,
  connectExternal,
  checkHistory,
  readHistoryFile,
  KconformError,
  CouldNotRunError,
} = kconform;
