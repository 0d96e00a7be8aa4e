// Options of the `external` target (a cluster kconform attaches to but does not own): bootstrap
// list, TLS files and SASL credentials, validated into the ClientSecurity every client uses.
import { readFileSync } from "node:fs";
import { CouldNotRunError } from "../../errors.ts";
import type { ClientSecurity } from "../target.ts";

/** Environment variables read for SASL credentials, so secrets need not appear on a command line. */
export const SASL_USERNAME_ENV = "KCONFORM_SASL_USERNAME";
export const SASL_PASSWORD_ENV = "KCONFORM_SASL_PASSWORD";

export type SaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";
const SASL_MECHANISMS: readonly SaslMechanism[] = ["plain", "scram-sha-256", "scram-sha-512"];

export interface ExternalTlsOptions {
  /** PEM files; without a CA the system's trusted roots apply. */
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  /** Default true: a certificate that does not verify fails the connection. */
  readonly rejectUnauthorized?: boolean;
}

export interface ExternalSaslOptions {
  /** `plain`, `scram-sha-256` or `scram-sha-512`, in any letter case. */
  readonly mechanism: string;
  /** Default: $KCONFORM_SASL_USERNAME. */
  readonly username?: string;
  /** Default: $KCONFORM_SASL_PASSWORD. */
  readonly password?: string;
}

export interface ExternalOptions {
  /** `host:port,host:port` or a list of `host:port`. */
  readonly bootstrap: string | readonly string[];
  /** `true` for TLS with default verification. */
  readonly tls?: boolean | ExternalTlsOptions;
  readonly sasl?: ExternalSaslOptions;
  /** Bound on the reachability probe; default 15 s. */
  readonly probeTimeoutMs?: number;
  /** Where the SASL environment variables are read; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ResolvedExternalOptions {
  readonly bootstrap: readonly string[];
  readonly security: ClientSecurity;
  readonly probeTimeoutMs: number;
}

export type ExternalOptionsErrorCode =
  | "empty-bootstrap"
  | "bad-address"
  | "bad-sasl-mechanism"
  | "missing-credential"
  | "unreadable-cert-file"
  | "bad-option";

/** The options cannot describe a reachable cluster; nothing was attempted on the network. */
export class ExternalOptionsError extends CouldNotRunError {
  constructor(message: string, code: ExternalOptionsErrorCode, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, code, context, options);
  }
}

// RFC 1123 host names and dotted IPv4; kafkajs splits addresses on ':' and cannot dial IPv6 literals.
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Validates one `host:port`. */
export function parseAddress(address: string): { host: string; port: number } {
  if (address.startsWith("[")) {
    throw new ExternalOptionsError(
      `bootstrap address ${JSON.stringify(address)}: IPv6 literals are not supported by the kafkajs client; use a host name`,
      "bad-address",
      { address },
    );
  }
  const colon = address.lastIndexOf(":");
  const host = colon < 0 ? address : address.slice(0, colon);
  const portText = colon < 0 ? "" : address.slice(colon + 1);
  if (!HOST.test(host)) {
    throw new ExternalOptionsError(`bootstrap address ${JSON.stringify(address)}: expected host:port, the host is not a valid name`, "bad-address", { address });
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new ExternalOptionsError(`bootstrap address ${JSON.stringify(address)}: expected host:port with a port in 1..65535`, "bad-address", { address });
  }
  return { host, port };
}

/** `a:1, b:2` or `["a:1", "b:2"]` → `["a:1", "b:2"]`, each validated, duplicates dropped. */
export function parseBootstrap(bootstrap: string | readonly string[]): string[] {
  const entries = (typeof bootstrap === "string" ? bootstrap.split(",") : [...bootstrap]).map((entry) => entry.trim());
  if (entries.every((entry) => entry === "")) {
    throw new ExternalOptionsError("the bootstrap list is empty: give at least one host:port (e.g. --bootstrap broker1:9092,broker2:9092)", "empty-bootstrap");
  }
  for (const entry of entries) {
    if (entry === "") throw new ExternalOptionsError(`the bootstrap list ${JSON.stringify(bootstrap)} has an empty entry`, "bad-address", { bootstrap });
    parseAddress(entry);
  }
  return [...new Set(entries)];
}

export function parseSaslMechanism(mechanism: string): SaslMechanism {
  const normalized = mechanism.trim().toLowerCase();
  const found = SASL_MECHANISMS.find((known) => known === normalized);
  if (!found) {
    throw new ExternalOptionsError(
      `SASL mechanism ${JSON.stringify(mechanism)} is not supported; use one of ${SASL_MECHANISMS.map((m) => m.toUpperCase()).join(", ")}`,
      "bad-sasl-mechanism",
      { mechanism },
    );
  }
  return found;
}

function credential(given: string | undefined, env: NodeJS.ProcessEnv, variable: string, what: string, mechanism: SaslMechanism): string {
  const value = given ?? env[variable];
  if (value === undefined || value === "") {
    throw new ExternalOptionsError(
      `SASL/${mechanism.toUpperCase()} needs a ${what}: pass it as an option or set ${variable}`,
      "missing-credential",
      { mechanism, variable },
    );
  }
  return value;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ExternalOptionsError(
      `cannot read the TLS ${what} file ${path}: ${(error as Error).message}`,
      "unreadable-cert-file",
      { path, what },
      { cause: error },
    );
  }
}

function resolveTls(tls: boolean | ExternalTlsOptions | undefined): ClientSecurity["ssl"] {
  if (tls === undefined || tls === false) return undefined;
  if (tls === true) return true;
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new ExternalOptionsError("TLS client authentication needs both a certificate file and a key file", "bad-option", {
      certFile: tls.certFile,
      keyFile: tls.keyFile,
    });
  }
  return {
    ...(tls.caFile !== undefined && { ca: readPem(tls.caFile, "CA") }),
    ...(tls.certFile !== undefined && { cert: readPem(tls.certFile, "certificate") }),
    ...(tls.keyFile !== undefined && { key: readPem(tls.keyFile, "key") }),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
}

/**
 * Checks every option and reads the certificate files; the resulting security holds PEM contents,
 * not paths, so turning it into client config needs no further I/O.
 */
export function resolveExternalOptions(options: ExternalOptions): ResolvedExternalOptions {
  const bootstrap = parseBootstrap(options.bootstrap);
  const probeTimeoutMs = options.probeTimeoutMs ?? 15_000;
  if (!Number.isFinite(probeTimeoutMs) || probeTimeoutMs <= 0) {
    throw new ExternalOptionsError(`the probe timeout must be a positive number of milliseconds, got ${probeTimeoutMs}`, "bad-option", { probeTimeoutMs });
  }
  const ssl = resolveTls(options.tls);
  let sasl: ClientSecurity["sasl"];
  if (options.sasl) {
    const env = options.env ?? process.env;
    const mechanism = parseSaslMechanism(options.sasl.mechanism);
    sasl = {
      mechanism,
      username: credential(options.sasl.username, env, SASL_USERNAME_ENV, "username", mechanism),
      password: credential(options.sasl.password, env, SASL_PASSWORD_ENV, "password", mechanism),
    };
  }
  return { bootstrap, security: { ...(ssl !== undefined && { ssl }), ...(sasl && { sasl }) }, probeTimeoutMs };
}
