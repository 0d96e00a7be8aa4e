// Whether the Testcontainers target can run here: the testcontainers modules must load on this Node
// and a Docker (or compatible) engine must answer, within a bound. Checked once per process.
import { createRequire } from "node:module";
import { EnvironmentError } from "../../errors.ts";

export interface TestcontainersModules {
  readonly core: typeof import("testcontainers");
  readonly toxiproxy: typeof import("@testcontainers/toxiproxy");
}

export type ContainerRuntimeSupport =
  | { readonly ok: true; readonly modules: TestcontainersModules }
  | { readonly ok: false; readonly reason: string };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** testcontainers 12 loads undici 8, which needs a newer Node than the project's minimum. */
function engineRequirement(): string {
  try {
    const pkg = createRequire(import.meta.url)("testcontainers/package.json") as { version: string; engines?: { node?: string } };
    return `testcontainers@${pkg.version} requires Node ${pkg.engines?.node ?? "(unspecified)"}`;
  } catch {
    return "testcontainers is not installed";
  }
}

let loaded: Promise<TestcontainersModules> | undefined;

/** Loads the modules lazily, so the rest of kconform works where they cannot load. */
export function loadTestcontainers(): Promise<TestcontainersModules> {
  loaded ??= (async () => {
    try {
      const [core, toxiproxy] = await Promise.all([import("testcontainers"), import("@testcontainers/toxiproxy")]);
      return { core, toxiproxy };
    } catch (error) {
      throw new EnvironmentError(
        `cannot load testcontainers: ${engineRequirement()} and this is Node ${process.version} (${message(error)})`,
        "testcontainers-unloadable",
        { node: process.version },
        { cause: error },
      );
    }
  })();
  return loaded;
}

let checked: Promise<ContainerRuntimeSupport> | undefined;

/** The cached answer: the loaded modules once an engine answered, or why the target cannot run. */
export function containerRuntimeSupport(timeoutMs = 10_000): Promise<ContainerRuntimeSupport> {
  checked ??= (async (): Promise<ContainerRuntimeSupport> => {
    let modules: TestcontainersModules;
    try {
      modules = await loadTestcontainers();
    } catch (error) {
      return { ok: false, reason: message(error) };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const client = modules.core.getContainerRuntimeClient();
      client.catch(() => undefined); // may fail after the bound, when nobody awaits it any more
      await Promise.race([
        client,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { ok: true, modules };
    } catch (error) {
      return {
        ok: false,
        reason: `no Docker engine is reachable (set DOCKER_HOST, or start Docker / Podman with its socket): ${message(error)}`,
      };
    } finally {
      clearTimeout(timer);
    }
  })();
  return checked;
}
