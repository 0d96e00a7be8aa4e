// Jepsen's bridge: two halves that cannot reach each other, except through one node that sees
// both; the nodes are shuffled by the schedule's pick.
import { bisect, bridge, grudgeToJson } from "../net/netns/grudge.ts";
import { FaultError, networkUnavailable, numberParam, type FaultPackage } from "./fault.ts";
import { rotate } from "./targeting.ts";

export const partitionBridge: FaultPackage = {
  name: "partition-bridge",
  family: "network",
  label: "bridged halves",
  color: "#a8dadc",
  unavailable: networkUnavailable,
  async start(context, start) {
    const network = context.network;
    if (network === undefined) throw new FaultError("partition-bridge", networkUnavailable(context) ?? "no broker network");
    const order = rotate(start.view.nodes, numberParam(start.params, "pick", 0));
    const grudge = bridge(order);
    await network.partition(grudge);
    const [a, b] = bisect(order);
    return { targets: [`${a.join(",")} | ${b.join(",")} via ${b[0]}`, JSON.stringify(grudgeToJson(grudge))], stop: () => network.heal() };
  },
  async heal(context) {
    await context.network?.heal();
  },
};
