#!/usr/bin/env node
// Entry point of the `kconform` command: loads the TypeScript sources through tsx, so the CLI runs
// straight from a checkout with no build step.
import { register } from "tsx/esm/api";

register();
await import("../harness/cli/main.ts");
