// Network partition cutting the target nodes off from all others (isolate one node, a
// partition's leader, a minority; the target decides). Clients still reach every broker: only
// broker-to-broker traffic is dropped, as when a rack loses its uplink.
import { completeGrudge, grudgeToJson } from "../net/netns/grudge.ts";
import { FaultError, networkUnavailable, type FaultPackage } from "./fault.ts";

export const partitionIsolate: FaultPackage = {
  name: "partition-isolate",
  family: "network",
  label: "isolated",
  color: "#457b9d",
  unavailable: networkUnavailable,
  async start(context, start) {
    const network = context.network;
    if (network === undefined) throw new FaultError("partition-isolate", networkUnavailable(context) ?? "no broker network");
    const cut = new Set(start.nodes);
    const rest = start.view.nodes.filter((node) => !cut.has(node));
    if (rest.length === 0) throw new FaultError("partition-isolate", "isolating every node from nobody is no partition", { nodes: start.nodes });
    const grudge = completeGrudge([[...cut], rest]);
    await network.partition(grudge);
    return { targets: [`${[...cut].join(",")} | ${rest.join(",")}`, JSON.stringify(grudgeToJson(grudge))], stop: () => network.heal() };
  },
  async heal(context) {
    await context.network?.heal();
  },
};
