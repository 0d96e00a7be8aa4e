// Client-link slicer: the broker's answers arrive cut into small pieces with delays between them,
// which exercises the clients' framing and partial reads.
import { toxicFault } from "./client-link.ts";
import { numberParam } from "./fault.ts";

export const slicer = toxicFault({
  name: "slicer",
  label: "sliced packets",
  color: "#8ab17d",
  direction: "downstream",
  toxic: (params) => ({
    kind: "slicer",
    averageSize: Math.max(2, numberParam(params, "averageSize", 64)),
    sizeVariation: Math.max(0, Math.min(numberParam(params, "sizeVariation", 32), Math.max(2, numberParam(params, "averageSize", 64)) - 1)),
    delayMicros: numberParam(params, "delayMicros", 200),
  }),
});
