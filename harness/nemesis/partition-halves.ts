// Network partition into two halves (the larger one a majority when the count is odd), the nodes
// shuffled by the schedule's pick.
import { grudgeToJson, splitHalves, bisect } from "../net/netns/grudge.ts";
import { FaultError, networkUnavailable, numberParam, type FaultPackage } from "./fault.ts";
import { rotate } from "./targeting.ts";

export const partitionHalves: FaultPackage = {
  name: "partition-halves",
  family: "network",
  label: "split in halves",
  color: "#1d3557",
  unavailable: networkUnavailable,
  async start(context, start) {
    const network = context.network;
    if (network === undefined) throw new FaultError("partition-halves", networkUnavailable(context) ?? "no broker network");
    const order = rotate(start.view.nodes, numberParam(start.params, "pick", 0));
    const grudge = splitHalves(order);
    await network.partition(grudge);
    const [a, b] = bisect(order);
    return { targets: [`${a.join(",")} | ${b.join(",")}`, JSON.stringify(grudgeToJson(grudge))], stop: () => network.heal() };
  },
  async heal(context) {
    await context.network?.heal();
  },
};
