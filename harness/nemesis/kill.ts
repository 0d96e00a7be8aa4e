// SIGKILL the target nodes (a crash: no flush, no controlled shutdown); stop restarts them with
// their data directories as the crash left them.
import { destructiveUnavailable, type FaultPackage } from "./fault.ts";
import { describeNodes, startStopped, targetNodes } from "./nodes.ts";

export const kill: FaultPackage = {
  name: "kill",
  family: "process",
  label: "SIGKILL",
  color: "#d62828",
  unavailable: destructiveUnavailable,
  async start(context, start) {
    const nodes = targetNodes(context, start, "kill");
    await Promise.all(nodes.map((node) => node.kill()));
    return { targets: describeNodes(nodes), stop: () => Promise.all(nodes.map((node) => node.start())).then(() => undefined) };
  },
  heal: startStopped,
};
