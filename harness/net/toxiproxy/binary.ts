// The real Toxiproxy server, built once from its pinned Go module into the kconform cache. Go's
// module and build caches live there too, so nothing is written elsewhere in the home directory.
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { cacheDir } from "../../cache.ts";
import { EnvironmentError } from "../../errors.ts";
import { withLock } from "../../proc/lock.ts";
import { findProgram, isExecutableFile, requireProgram } from "../../proc/programs.ts";
import { lastLines, runCommand } from "../../proc/run.ts";

export const TOXIPROXY_MODULE = "github.com/Shopify/toxiproxy/v2";
export const TOXIPROXY_VERSION = "v2.12.0";
const BUILD_TIMEOUT_MS = 15 * 60_000;
// Where the official Go tarball installs itself, for machines that did not add it to PATH.
const GO_TARBALL_BINARY = "/usr/local/go/bin/go";

export class ToxiproxyBuildError extends EnvironmentError {}

export interface BuildOptions {
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: (message: string) => void;
}

export interface ToxiproxyBinary {
  path: string;
  /** False when the binary was already in the cache. */
  builtNow: boolean;
}

export function toxiproxyBinaryPath(cache: string = cacheDir()): string {
  return join(cache, "toxiproxy", TOXIPROXY_VERSION, "server");
}

/** The Go toolchain: on PATH, else where the official tarball installs it. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findProgram("go", env) ?? (isExecutableFile(GO_TARBALL_BINARY) ? GO_TARBALL_BINARY : undefined);
}

function locateGo(env: NodeJS.ProcessEnv): string {
  const found = findGo(env);
  if (found !== undefined) return found;
  return requireProgram(
    { name: "go", purpose: `to build Toxiproxy ${TOXIPROXY_VERSION} (once, into the kconform cache)`, install: "apt-get install golang-go" },
    env,
  );
}

const UNREACHABLE = /dial tcp|no such host|connection refused|i\/o timeout|network is unreachable|TLS handshake timeout/i;

export async function ensureToxiproxyServer(options: BuildOptions = {}): Promise<ToxiproxyBinary> {
  const cache = options.cacheDir ?? cacheDir(options.env);
  const path = toxiproxyBinaryPath(cache);
  if (isExecutableFile(path)) return { path, builtNow: false };
  const env = options.env ?? process.env;
  const go = locateGo(env);
  const home = join(cache, "toxiproxy", TOXIPROXY_VERSION);
  await mkdir(home, { recursive: true });
  return withLock(
    join(home, "build.lock"),
    async () => {
      if (isExecutableFile(path)) return { path, builtNow: false };
      options.onProgress?.(`building Toxiproxy ${TOXIPROXY_VERSION} with ${go} into ${path}`);
      const staging = join(home, `bin.staging-${process.pid}`);
      try {
        await build(go, join(cache, "go"), staging, env);
        await rename(join(staging, "server"), path);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      return { path, builtNow: true };
    },
    { onWait: (owner) => options.onProgress?.(`waiting for process ${owner ?? "?"} to finish building Toxiproxy`) },
  );
}

async function build(go: string, goHome: string, bin: string, env: NodeJS.ProcessEnv): Promise<void> {
  const buildEnv: NodeJS.ProcessEnv = {
    ...env,
    GOBIN: bin,
    GOPATH: goHome,
    GOMODCACHE: join(goHome, "pkg", "mod"),
    GOCACHE: join(goHome, "build-cache"),
    // Writable module cache, so deleting the kconform cache just works.
    GOFLAGS: "-modcacherw",
    // Never fetch another Go toolchain: build with the one installed.
    GOTOOLCHAIN: "local",
    // A static binary needs no C compiler.
    CGO_ENABLED: "0",
  };
  const result = await runCommand(
    { file: go, args: ["install", `${TOXIPROXY_MODULE}/cmd/server@${TOXIPROXY_VERSION}`], env: buildEnv },
    { timeoutMs: BUILD_TIMEOUT_MS },
  );
  if (result.code === 0 && existsSync(join(bin, "server"))) return;
  const tail = lastLines(result.output, 8);
  const context = { go, exitCode: result.code, output: tail };
  if (!result.timedOut && UNREACHABLE.test(result.output)) {
    throw new ToxiproxyBuildError(
      `could not download Toxiproxy ${TOXIPROXY_VERSION}: the Go module proxy (${env.GOPROXY || "proxy.golang.org"}) is unreachable. Check network access or set GOPROXY to a reachable proxy, then run \`kconform setup\`.\n${tail}`,
      "go-proxy-unreachable",
      context,
    );
  }
  const why = result.timedOut ? `did not finish within ${BUILD_TIMEOUT_MS / 60_000} min` : `failed (${result.code ?? result.signal})`;
  throw new ToxiproxyBuildError(`go install of Toxiproxy ${TOXIPROXY_VERSION} ${why}:\n${tail}`, "toxiproxy-build-failed", context);
}
