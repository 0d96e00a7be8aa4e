// Graceful restart of the target nodes, all at once: the fault is the restart itself, so stop has
// nothing left to undo.
import { destructiveUnavailable, type FaultPackage } from "./fault.ts";
import { describeNodes, startStopped, targetNodes } from "./nodes.ts";

export const restart: FaultPackage = {
  name: "restart",
  family: "process",
  label: "graceful restart",
  color: "#ffb703",
  unavailable: destructiveUnavailable,
  async start(context, start) {
    const nodes = targetNodes(context, start, "restart");
    await Promise.all(nodes.map((node) => node.restart()));
    return { targets: describeNodes(nodes), stop: async () => undefined };
  },
  heal: startStopped,
};
