// Compiles a TypeScript entry point and every checkout file it imports into one cached ES module
// (esbuild), so node processes start without tsx transpiling on the fly; rebuilt when any input's
// contents change, with tsx as the fallback when no bundle can be built.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Loader, Plugin } from "esbuild";
import { checkBundle, DEFAULT_BUILD_DIR, entryBuildDir, manifestFileFor, MANIFEST_FORMAT, REPO_ROOT, sourceDigest, type BundleManifest } from "./bundle-manifest.js";

export type BundleOutcome =
  | { kind: "bundle"; file: string; /** Why it was rebuilt; absent when the cached one was fresh. */ rebuiltBecause?: string }
  | { kind: "source"; reason: string };

export interface BundleOptions {
  /** Where bundles and manifests go (default .kconform/build in the checkout). */
  buildDir?: string;
}

/** esbuild's own choice per extension; anything else fails the build rather than guessing. */
const LOADERS: Record<string, Loader> = { ".ts": "ts", ".mts": "ts", ".cts": "ts", ".js": "js", ".mjs": "js", ".cjs": "js", ".json": "json" };

/**
 * Files that shape the output besides the bundled sources: the tsconfig esbuild reads, the package's
 * module type, and this builder (a change to how bundles are made must not reuse old ones).
 */
const BUILD_CONFIG_FILES = [join(REPO_ROOT, "tsconfig.json"), join(REPO_ROOT, "package.json"), fileURLToPath(import.meta.url), fileURLToPath(new URL("./bundle-manifest.js", import.meta.url))];

const IMPORT_META_URL = /\bimport\.meta\.url\b/g;

/**
 * Loads every checkout file itself, so the manifest records the digest of exactly the bytes that
 * were compiled, and pins each module's import.meta.url to its source file: paths computed relative
 * to a module (the reference node's entry, fixtures) mean the same in the bundle as under tsx.
 */
function checkoutSources(inputs: Map<string, string>): Plugin {
  return {
    name: "kconform-checkout-sources",
    setup(build) {
      build.onLoad({ filter: /.*/, namespace: "file" }, async (args) => {
        const loader = LOADERS[extname(args.path)];
        if (loader === undefined) return { errors: [{ text: `no loader for ${args.path}` }] };
        const bytes = await readFile(args.path);
        inputs.set(args.path, sourceDigest(bytes));
        const moduleUrl = JSON.stringify(pathToFileURL(args.path).href);
        return { contents: bytes.toString("utf8").replace(IMPORT_META_URL, moduleUrl), loader };
      });
    },
  };
}

async function readDigests(files: readonly string[]): Promise<[string, string][]> {
  return Promise.all(files.map(async (file): Promise<[string, string]> => [file, sourceDigest(await readFile(file))]));
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Builds in progress in this process; the last one to finish stops esbuild's service. */
let buildsRunning = 0;

/**
 * Builds into a temporary directory, then renames it to a name derived from the inputs and swaps
 * the manifest in with a rename: a concurrent reader sees the old bundle or the new, never half of
 * one, and two processes building the same sources produce the same directory.
 */
async function buildBundle(entry: string, buildDir: string): Promise<string> {
  const esbuild = await import("esbuild");
  const entryDir = entryBuildDir(entry, buildDir);
  await mkdir(entryDir, { recursive: true });
  const tmp = await mkdtemp(join(entryDir, "tmp-"));
  buildsRunning++;
  try {
    const inputs = new Map<string, string>(await readDigests(BUILD_CONFIG_FILES));
    const outName = `${basename(entry).replace(/\.[cm]?[jt]s$/, "")}.mjs`;
    const result = await esbuild.build({
      entryPoints: { [outName.slice(0, -".mjs".length)]: entry },
      outdir: tmp,
      outExtension: { ".js": ".mjs" },
      // A module the entry only imports dynamically becomes a chunk loaded when first needed.
      splitting: true,
      chunkNames: "chunks/[name]-[hash]",
      absWorkingDir: REPO_ROOT,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // node_modules stay imports resolved at run time, native addons (snappy, lz4-napi, crc32) among them.
      packages: "external",
      // Error classes name themselves from new.target.name; bundling must not rename them.
      keepNames: true,
      sourcemap: "linked",
      write: false,
      logLevel: "silent",
      plugins: [checkoutSources(inputs)],
    });
    for (const output of result.outputFiles) {
      await mkdir(dirname(output.path), { recursive: true });
      await writeFile(output.path, output.contents);
    }
    const sortedInputs = Object.fromEntries([...inputs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const key = sourceDigest(JSON.stringify({ format: MANIFEST_FORMAT, esbuild: esbuild.version, inputs: sortedInputs })).slice(0, 20);
    const keyDir = join(entryDir, key);
    await rename(tmp, keyDir).catch((error: unknown) => {
      // Another process built the same inputs first: its directory holds the same bytes.
      if (errorCode(error) !== "ENOTEMPTY" && errorCode(error) !== "EEXIST") throw error;
    });
    const manifestFile = manifestFileFor(entry, buildDir);
    const previousDir = await bundleDirNamedBy(manifestFile);
    const manifest: BundleManifest = { format: MANIFEST_FORMAT, bundle: relative(entryDir, join(keyDir, outName)), inputs: sortedInputs };
    const manifestTmp = join(entryDir, `manifest-${process.pid}-${key}.json`);
    await writeFile(manifestTmp, `${JSON.stringify(manifest, null, 1)}\n`);
    await rename(manifestTmp, manifestFile);
    await pruneOldBundles(entryDir, previousDir === undefined ? [keyDir] : [keyDir, previousDir]);
    return join(keyDir, outName);
  } finally {
    // esbuild's service process would otherwise stay beside a long-running harness (~50 MB).
    if (--buildsRunning === 0) await esbuild.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}


async function bundleDirNamedBy(manifestFile: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(manifestFile, "utf8")) as Partial<BundleManifest>;
    return typeof manifest.bundle === "string" ? dirname(join(dirname(manifestFile), manifest.bundle)) : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the new bundle and the one the old manifest named (a process may be about to load it). */
async function pruneOldBundles(entryDir: string, keep: readonly string[]): Promise<void> {
  const entries = await readdir(entryDir, { withFileTypes: true });
  const stale = entries.filter((e) => e.isDirectory() && !e.name.startsWith("tmp-") && !keep.includes(join(entryDir, e.name)));
  await Promise.all(stale.map((e) => rm(join(entryDir, e.name), { recursive: true, force: true })));
}

const inFlight = new Map<string, Promise<BundleOutcome>>();

/**
 * A bundle of `entry` (an absolute path) that matches the sources as they are now: the cached one,
 * or a fresh build. When the build fails the outcome says why, and the caller runs the sources.
 */
export function ensureBundle(entry: string, options: BundleOptions = {}): Promise<BundleOutcome> {
  const buildDir = options.buildDir ?? DEFAULT_BUILD_DIR;
  const manifestFile = manifestFileFor(entry, buildDir);
  const pending = inFlight.get(manifestFile);
  if (pending !== undefined) return pending;
  const outcome = (async (): Promise<BundleOutcome> => {
    const check = checkBundle(manifestFile);
    if (check.fresh) return { kind: "bundle", file: check.bundle };
    try {
      return { kind: "bundle", file: await buildBundle(entry, buildDir), rebuiltBecause: check.reason };
    } catch (error) {
      return { kind: "source", reason: `could not bundle ${entry}: ${error instanceof Error ? error.message : String(error)}` };
    }
  })().finally(() => inFlight.delete(manifestFile));
  inFlight.set(manifestFile, outcome);
  return outcome;
}

const warnedAbout = new Set<string>();

/**
 * Node's arguments that run `entry`: its bundle, or the TypeScript through tsx when no bundle could
 * be built. Source maps stay off, as for the CLI (they cost each start ~20 ms of CPU);
 * NODE_OPTIONS=--enable-source-maps, which children inherit, turns them on.
 */
export async function nodeArgsFor(entry: string, options: BundleOptions = {}): Promise<string[]> {
  const outcome = await ensureBundle(entry, options);
  if (outcome.kind === "bundle") return [outcome.file];
  if (!warnedAbout.has(entry)) {
    warnedAbout.add(entry);
    process.stderr.write(`kconform: running ${relative(REPO_ROOT, entry)} through tsx, which starts slower: ${outcome.reason}\n`);
  }
  return ["--import", "tsx", entry];
}
