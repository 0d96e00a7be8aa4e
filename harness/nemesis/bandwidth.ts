// Client-link bandwidth cap: the broker's answers trickle at rateKBps.
import { toxicFault } from "./client-link.ts";
import { numberParam } from "./fault.ts";

export const bandwidth = toxicFault({
  name: "bandwidth",
  label: "bandwidth cap",
  color: "#e9c46a",
  direction: "downstream",
  toxic: (params) => ({ kind: "bandwidth", rateKBps: Math.max(1, numberParam(params, "rateKBps", 16)) }),
});
