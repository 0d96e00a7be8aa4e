// Stop the target nodes gracefully (SIGTERM: controlled shutdown moves leadership away first);
// stop starts them again.
import { destructiveUnavailable, type FaultPackage } from "./fault.ts";
import { describeNodes, startStopped, targetNodes } from "./nodes.ts";

export const gracefulStop: FaultPackage = {
  name: "graceful-stop",
  family: "process",
  label: "graceful stop",
  color: "#fb8500",
  unavailable: destructiveUnavailable,
  async start(context, start) {
    const nodes = targetNodes(context, start, "graceful-stop");
    await Promise.all(nodes.map((node) => node.stop()));
    return { targets: describeNodes(nodes), stop: () => Promise.all(nodes.map((node) => node.start())).then(() => undefined) };
  },
  heal: startStopped,
};
