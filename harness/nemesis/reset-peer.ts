// Client-link resets: connections are torn down with a TCP RST, at once or after timeoutMs.
import { toxicFault } from "./client-link.ts";
import { numberParam } from "./fault.ts";

export const resetPeer = toxicFault({
  name: "reset-peer",
  label: "connection resets",
  color: "#e76f51",
  direction: "upstream",
  toxic: (params) => ({ kind: "reset_peer", timeoutMs: numberParam(params, "timeoutMs", 0) }),
});
