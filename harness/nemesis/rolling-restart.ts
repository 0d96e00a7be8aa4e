// Rolling restart: the target nodes restart gracefully one after another, each back up before
// the next goes down, as an operator upgrading a cluster does. The order comes from the target.
import { destructiveUnavailable, type FaultPackage } from "./fault.ts";
import { describeNodes, startStopped, targetNodes } from "./nodes.ts";

export const rollingRestart: FaultPackage = {
  name: "rolling-restart",
  family: "process",
  label: "rolling restart",
  color: "#219ebc",
  unavailable: destructiveUnavailable,
  async start(context, start) {
    const nodes = targetNodes(context, start, "rolling-restart");
    for (const node of nodes) await node.restart();
    return { targets: describeNodes(nodes), stop: async () => undefined };
  },
  heal: startStopped,
};
