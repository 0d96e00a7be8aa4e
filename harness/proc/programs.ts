// Finds the external programs the harness runs (java, mvn, go, setpriv) on a given PATH, so a
// missing one is reported by name with the command that installs it, before anything starts.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { EnvironmentError } from "../errors.ts";

/** Absolute path of `name` on env.PATH, or undefined. */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir.length === 0) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export interface ProgramRequirement {
  name: string;
  /** Why the harness needs it, e.g. "to run the Kafka brokers". */
  purpose: string;
  /** What the user should do, e.g. "apt-get install maven". */
  install: string;
}

/** Like findProgram, but a missing program is an EnvironmentError naming it and the fix. */
export function requireProgram(requirement: ProgramRequirement, env: NodeJS.ProcessEnv = process.env): string {
  const found = findProgram(requirement.name, env);
  if (found !== undefined) return found;
  throw new EnvironmentError(
    `${requirement.name} was not found on PATH; it is needed ${requirement.purpose}. Install it (${requirement.install}) or put it on PATH.`,
    `${requirement.name}-missing`,
    { program: requirement.name, path: env.PATH ?? "" },
  );
}
