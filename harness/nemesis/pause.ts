// SIGSTOP the target nodes: alive to the kernel, silent to everyone else (a long GC pause, a hung
// VM); stop sends SIGCONT and they carry on as if no time had passed.
import { destructiveUnavailable, type FaultPackage } from "./fault.ts";
import { describeNodes, resumeAll, targetNodes } from "./nodes.ts";

export const pause: FaultPackage = {
  name: "pause",
  family: "process",
  label: "SIGSTOP",
  color: "#9d4edd",
  unavailable: destructiveUnavailable,
  async start(context, start) {
    const nodes = targetNodes(context, start, "pause");
    await Promise.all(nodes.map((node) => node.pause()));
    return { targets: describeNodes(nodes), stop: () => Promise.all(nodes.filter((node) => node.isRunning()).map((node) => node.resume())).then(() => undefined) };
  },
  heal: resumeAll,
};
