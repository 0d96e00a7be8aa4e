// Validation of the external target's options: every bad input gets its own typed error before
// anything touches the network.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { CouldNotRunError } from "../../errors.ts";
import { ExternalOptionsError, parseBootstrap, parseSaslMechanism, resolveExternalOptions } from "./options.ts";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExternalOptionsError);
    expect(error).toBeInstanceOf(CouldNotRunError);
    return (error as ExternalOptionsError).code;
  }
  return undefined;
}

describe("parseBootstrap", () => {
  it("accepts comma lists and arrays, trims, and drops duplicates", () => {
    expect(parseBootstrap(" b1.example.com:9092 ,10.0.0.7:19092,b1.example.com:9092")).toEqual(["b1.example.com:9092", "10.0.0.7:19092"]);
    expect(parseBootstrap(["localhost:1"])).toEqual(["localhost:1"]);
  });

  it("rejects an empty list as empty-bootstrap", () => {
    expect(codeOf(() => parseBootstrap(""))).toBe("empty-bootstrap");
    expect(codeOf(() => parseBootstrap([]))).toBe("empty-bootstrap");
    expect(codeOf(() => parseBootstrap(" , "))).toBe("empty-bootstrap");
  });

  it("rejects malformed addresses as bad-address, naming the address", () => {
    for (const bad of ["broker", "broker:", "broker:0", "broker:65536", "broker:9o92", ":9092", "bro ker:1", "[::1]:9092", "a:1,,b:2", "-x:1"]) {
      expect(codeOf(() => parseBootstrap(bad)), bad).toBe("bad-address");
    }
    expect(() => parseBootstrap("broker:99999")).toThrow(/"broker:99999"/);
  });

  it("accepts every valid host:port", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 65535 }), (labels, port) => {
        const address = `${labels.join(".")}:${port}`;
        expect(parseBootstrap(address)).toEqual([address]);
      }),
      { numRuns: 100 },
    );
  });
});

describe("SASL options", () => {
  it("normalises mechanism names and rejects unknown ones", () => {
    expect(parseSaslMechanism("SCRAM-SHA-512")).toBe("scram-sha-512");
    expect(parseSaslMechanism(" Plain ")).toBe("plain");
    expect(codeOf(() => parseSaslMechanism("GSSAPI"))).toBe("bad-sasl-mechanism");
  });

  it("reads credentials from the environment when not given", () => {
    const resolved = resolveExternalOptions({
      bootstrap: "b:9092",
      sasl: { mechanism: "SCRAM-SHA-256" },
      env: { KCONFORM_SASL_USERNAME: "alice", KCONFORM_SASL_PASSWORD: "s3cret" },
    });
    expect(resolved.security).toEqual({ sasl: { mechanism: "scram-sha-256", username: "alice", password: "s3cret" } });
  });

  it("prefers explicit credentials over the environment", () => {
    const resolved = resolveExternalOptions({
      bootstrap: "b:9092",
      sasl: { mechanism: "plain", username: "bob", password: "pw" },
      env: { KCONFORM_SASL_USERNAME: "alice", KCONFORM_SASL_PASSWORD: "s3cret" },
    });
    expect(resolved.security.sasl).toEqual({ mechanism: "plain", username: "bob", password: "pw" });
  });

  it("names the missing credential and the variable that would supply it", () => {
    const run = () => resolveExternalOptions({ bootstrap: "b:9092", sasl: { mechanism: "plain", username: "bob" }, env: {} });
    expect(codeOf(run)).toBe("missing-credential");
    expect(run).toThrow(/password.*KCONFORM_SASL_PASSWORD/);
  });
});

describe("TLS options", () => {
  const dir = mkdtempSync(join(tmpdir(), "kconform-external-"));
  const ca = join(dir, "ca.pem");
  writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the PEM files into the security settings, verifying by default", () => {
    const resolved = resolveExternalOptions({ bootstrap: "b:9093", tls: { caFile: ca } });
    expect(resolved.security.ssl).toEqual({ ca: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", rejectUnauthorized: true });
    expect(resolveExternalOptions({ bootstrap: "b:9093", tls: true }).security.ssl).toBe(true);
    expect(resolveExternalOptions({ bootstrap: "b:9093", tls: false }).security).toEqual({});
  });

  it("names an unreadable file", () => {
    const missing = join(dir, "nope.pem");
    const run = () => resolveExternalOptions({ bootstrap: "b:9093", tls: { caFile: missing } });
    expect(codeOf(run)).toBe("unreadable-cert-file");
    expect(run).toThrow(missing);
  });

  it("refuses a client certificate without its key", () => {
    expect(codeOf(() => resolveExternalOptions({ bootstrap: "b:9093", tls: { certFile: ca } }))).toBe("bad-option");
  });
});

it("refuses a probe timeout that is not positive", () => {
  expect(codeOf(() => resolveExternalOptions({ bootstrap: "b:9092", probeTimeoutMs: 0 }))).toBe("bad-option");
});
