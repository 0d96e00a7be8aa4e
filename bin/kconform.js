#!/usr/bin/env node
// Entry point of the `kconform` command: runs the CLI from its cached bundle while that matches the
// checkout's sources, rebuilds it when a source changed, and runs the TypeScript through tsx if it cannot.
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkBundle, DEFAULT_BUILD_DIR, manifestFileFor } from "../harness/build/bundle-manifest.js";

const ENTRY = fileURLToPath(new URL("../harness/cli/main.ts", import.meta.url));

/** The fresh bundle's path, or undefined with tsx left registered to run the sources. */
async function freshBundle() {
  const check = checkBundle(manifestFileFor(ENTRY, DEFAULT_BUILD_DIR));
  if (check.fresh) return check.bundle;
  // The builder is TypeScript itself.
  const { register } = await import("tsx/esm/api");
  const unregister = register();
  const { ensureBundle } = await import("../harness/build/bundle-cache.ts");
  const outcome = await ensureBundle(ENTRY);
  if (outcome.kind === "source") {
    process.stderr.write(`kconform: running from source through tsx, which starts slower: ${outcome.reason}\n`);
    return undefined;
  }
  unregister();
  return outcome.file;
}

const bundle = await freshBundle();
// Without source maps (parsing them costs the start-up ~20 ms): stack traces name the bundle's
// lines; NODE_OPTIONS=--enable-source-maps maps them back to the TypeScript sources.
await import(bundle !== undefined ? pathToFileURL(bundle).href : "../harness/cli/main.ts");
