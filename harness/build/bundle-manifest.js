// Where the cached bundles of kconform's entry points live, and whether one still matches the
// sources. Plain JavaScript because bin/kconform.js asks it before any TypeScript loader exists.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Inside the checkout, so the bundles' bare imports resolve to its node_modules; gitignored. */
export const DEFAULT_BUILD_DIR = join(REPO_ROOT, ".kconform", "build");

/** Bumped when the manifest's shape changes; older manifests then count as stale. */
export const MANIFEST_FORMAT = 1;

/** @param {Uint8Array | string} contents */
export function sourceDigest(contents) {
  return createHash("sha256").update(contents).digest("hex");
}

/**
 * One directory per entry point, named after its path in the checkout
 * (reference-broker/main.ts -> reference-broker-main).
 * @param {string} entry absolute path of a TypeScript entry point
 * @param {string} buildDir
 */
export function entryBuildDir(entry, buildDir) {
  const name = relative(REPO_ROOT, entry).replace(/\.[cm]?[jt]s$/, "").split(sep).join("-").replace(/[^A-Za-z0-9_.-]/g, "_");
  return join(buildDir, name);
}

/** @param {string} entry @param {string} buildDir */
export function manifestFileFor(entry, buildDir) {
  return join(entryBuildDir(entry, buildDir), "manifest.json");
}

/** @param {string} file */
function digestOnDisk(file) {
  try {
    return sourceDigest(readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * The bundle a manifest names, when every input it was built from still has the same contents;
 * otherwise why not.
 * @param {string} manifestFile
 * @returns {{ fresh: true, bundle: string } | { fresh: false, reason: string }}
 */
export function checkBundle(manifestFile) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  } catch {
    return { fresh: false, reason: `no readable manifest at ${manifestFile}` };
  }
  if (manifest?.format !== MANIFEST_FORMAT || typeof manifest.bundle !== "string" || typeof manifest.inputs !== "object") {
    return { fresh: false, reason: `${manifestFile} is not a format-${MANIFEST_FORMAT} manifest` };
  }
  for (const [file, digest] of Object.entries(manifest.inputs)) {
    if (digestOnDisk(file) !== digest) return { fresh: false, reason: `${file} changed since the bundle was built` };
  }
  const bundle = resolve(dirname(manifestFile), manifest.bundle);
  if (!existsSync(bundle)) return { fresh: false, reason: `${bundle} is missing` };
  return { fresh: true, bundle };
}
