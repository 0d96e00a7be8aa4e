// Types of bundle-manifest.js, which stays JavaScript so bin/kconform.js can run it untranspiled.

export declare const REPO_ROOT: string;
export declare const DEFAULT_BUILD_DIR: string;
export declare const MANIFEST_FORMAT: number;

/** What manifest.json records beside a bundle. */
export interface BundleManifest {
  format: number;
  /** The bundle, relative to the manifest's directory. */
  bundle: string;
  /** Absolute path of every file the bundle was built from, with the digest of the contents used. */
  inputs: Record<string, string>;
}

export type BundleCheck = { fresh: true; bundle: string } | { fresh: false; reason: string };

export declare function sourceDigest(contents: Uint8Array | string): string;
export declare function entryBuildDir(entry: string, buildDir: string): string;
export declare function manifestFileFor(entry: string, buildDir: string): string;
export declare function checkBundle(manifestFile: string): BundleCheck;
