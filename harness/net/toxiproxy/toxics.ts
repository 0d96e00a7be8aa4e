// Toxiproxy's toxics as typed values in our units, and their translation into the API's bodies.
// Pure: the nemesis builds these, the network applies them.
import type { ICreateToxicBody, ToxicAttributeTypes as AttributeTypes, ToxicDirection } from "toxiproxy-node-client";
import { KconformError } from "../../errors.ts";

export type ToxicStream = ToxicDirection;

export type ToxicSpec =
  /** Delay every chunk of data by latencyMs ± jitterMs. */
  | { kind: "latency"; latencyMs: number; jitterMs?: number }
  /** Throttle to rateKBps kilobytes per second. */
  | { kind: "bandwidth"; rateKBps: number }
  /** Pass nothing, and close the connection after timeoutMs. */
  | { kind: "timeout"; timeoutMs: number }
  /** Pass nothing and never close: a network black hole (a timeout toxic of 0). */
  | { kind: "blackhole" }
  /** Answer with a TCP RST, immediately or after timeoutMs. */
  | { kind: "reset_peer"; timeoutMs?: number }
  /** Cut data into pieces of averageSize ± sizeVariation bytes, delayMicros apart. */
  | { kind: "slicer"; averageSize: number; sizeVariation?: number; delayMicros?: number }
  /** Close the connection once `bytes` bytes went through. */
  | { kind: "limit_data"; bytes: number }
  /** Hold the TCP close back for delayMs. */
  | { kind: "slow_close"; delayMs: number };

export interface ToxicOptions {
  /** downstream = broker → client (Toxiproxy's default), upstream = client → broker. */
  stream?: ToxicStream;
  /** Fraction of connections affected, 0..1. */
  toxicity?: number;
}

export class InvalidToxicError extends KconformError {}

function nonNegative(spec: ToxicSpec, field: string, value: number | undefined): number {
  const v = value ?? 0;
  if (!Number.isFinite(v) || v < 0) {
    throw new InvalidToxicError(`toxic ${spec.kind}: ${field} must be a non-negative number, got ${value}`, "bad-toxic", { spec, field });
  }
  return Math.round(v);
}

function attributesOf(spec: ToxicSpec): { type: ICreateToxicBody<AttributeTypes>["type"]; attributes: AttributeTypes } {
  switch (spec.kind) {
    case "latency":
      return {
        type: "latency",
        attributes: { latency: nonNegative(spec, "latencyMs", spec.latencyMs), jitter: nonNegative(spec, "jitterMs", spec.jitterMs) },
      };
    case "bandwidth": {
      const rate = nonNegative(spec, "rateKBps", spec.rateKBps);
      // At 0 KB/s Toxiproxy wedges the link and then its whole API (503s); a blackhole is the honest way.
      if (rate < 1) throw new InvalidToxicError(`toxic bandwidth: rateKBps must be at least 1 (use a blackhole to pass nothing), got ${spec.rateKBps}`, "bad-toxic", { spec });
      return { type: "bandwidth", attributes: { rate } };
    }
    case "timeout":
      return { type: "timeout", attributes: { timeout: nonNegative(spec, "timeoutMs", spec.timeoutMs) } };
    case "blackhole":
      return { type: "timeout", attributes: { timeout: 0 } };
    case "reset_peer":
      return { type: "reset_peer", attributes: { timeout: nonNegative(spec, "timeoutMs", spec.timeoutMs) } };
    case "slicer": {
      const averageSize = nonNegative(spec, "averageSize", spec.averageSize);
      const sizeVariation = nonNegative(spec, "sizeVariation", spec.sizeVariation);
      if (averageSize < 1 || sizeVariation >= averageSize) {
        throw new InvalidToxicError(
          `toxic slicer: averageSize must be at least 1 and sizeVariation below it, got ${averageSize} and ${sizeVariation}`,
          "bad-toxic",
          { spec },
        );
      }
      return { type: "slicer", attributes: { average_size: averageSize, size_variation: sizeVariation, delay: nonNegative(spec, "delayMicros", spec.delayMicros) } };
    }
    case "limit_data":
      return { type: "limit_data", attributes: { bytes: nonNegative(spec, "bytes", spec.bytes) } };
    case "slow_close":
      return { type: "slow_close", attributes: { delay: nonNegative(spec, "delayMs", spec.delayMs) } };
  }
}

/** The body Toxiproxy's POST /proxies/{proxy}/toxics expects. */
export function toxicBody(name: string, spec: ToxicSpec, options: ToxicOptions = {}): ICreateToxicBody<AttributeTypes> {
  const toxicity = options.toxicity ?? 1;
  if (!(toxicity >= 0 && toxicity <= 1)) {
    throw new InvalidToxicError(`toxicity must lie in 0..1, got ${toxicity}`, "bad-toxic", { spec, toxicity });
  }
  return { name, stream: options.stream ?? "downstream", toxicity, ...attributesOf(spec) };
}

/** A short label for logs and reports, e.g. "latency 200±20ms downstream". */
export function describeToxic(spec: ToxicSpec, options: ToxicOptions = {}): string {
  const where = `${options.stream ?? "downstream"}${options.toxicity !== undefined && options.toxicity < 1 ? ` on ${options.toxicity * 100}% of connections` : ""}`;
  switch (spec.kind) {
    case "latency":
      return `latency ${spec.latencyMs}±${spec.jitterMs ?? 0}ms ${where}`;
    case "bandwidth":
      return `bandwidth ${spec.rateKBps}KB/s ${where}`;
    case "timeout":
      return `timeout after ${spec.timeoutMs}ms ${where}`;
    case "blackhole":
      return `blackhole ${where}`;
    case "reset_peer":
      return `reset_peer after ${spec.timeoutMs ?? 0}ms ${where}`;
    case "slicer":
      return `slicer ${spec.averageSize}±${spec.sizeVariation ?? 0}B every ${spec.delayMicros ?? 0}µs ${where}`;
    case "limit_data":
      return `limit_data ${spec.bytes}B ${where}`;
    case "slow_close":
      return `slow_close ${spec.delayMs}ms ${where}`;
  }
}
