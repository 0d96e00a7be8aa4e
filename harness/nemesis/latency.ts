// Client-link latency with jitter: every chunk from the broker arrives latencyMs ± jitterMs late.
import { toxicFault } from "./client-link.ts";
import { numberParam } from "./fault.ts";

export const latency = toxicFault({
  name: "latency",
  label: "latency",
  color: "#f4a261",
  direction: "downstream",
  toxic: (params) => ({ kind: "latency", latencyMs: numberParam(params, "latencyMs", 200), jitterMs: numberParam(params, "jitterMs", 50) }),
});
