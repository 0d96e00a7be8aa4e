// Permanent disk loss: SIGKILL the target nodes and delete their data directories; stop starts
// them blank, to be refilled by replication (or not, which is what this fault tests).
import { destructiveUnavailable, type FaultPackage } from "./fault.ts";
import { describeNodes, startStopped, targetNodes } from "./nodes.ts";

export const wipe: FaultPackage = {
  name: "wipe",
  family: "disk",
  label: "disk wiped",
  color: "#000000",
  unavailable: destructiveUnavailable,
  async start(context, start) {
    const nodes = targetNodes(context, start, "wipe");
    await Promise.all(nodes.map((node) => node.kill()));
    await Promise.all(nodes.map((node) => node.wipe()));
    return { targets: describeNodes(nodes), stop: () => Promise.all(nodes.map((node) => node.start())).then(() => undefined) };
  },
  heal: startStopped,
};
