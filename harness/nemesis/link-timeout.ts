// Client-link timeout: nothing passes, and Toxiproxy closes each connection after timeoutMs.
import { toxicFault } from "./client-link.ts";
import { numberParam } from "./fault.ts";

export const linkTimeout = toxicFault({
  name: "link-timeout",
  label: "client link timeout",
  color: "#2a9d8f",
  direction: "both",
  toxic: (params) => ({ kind: "timeout", timeoutMs: Math.max(1, numberParam(params, "timeoutMs", 1_000)) }),
});
