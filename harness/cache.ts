// Where downloads are cached between runs: Maven repository, Kafka's jars, the Toxiproxy binary.
// One directory, named in the README, overridable with KCONFORM_CACHE.
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.KCONFORM_CACHE;
  return fromEnv && fromEnv.length > 0 ? resolve(fromEnv) : join(homedir(), ".cache", "kconform");
}
