// The acks=1 trap, Jepsen-style: pause a partition's followers so they fall behind (but stay in
// the ISR, briefly enough not to be fenced), keep the leader acknowledging writes alone, then
// SIGKILL the leader and let the followers go. A lagging follower becomes leader and what only
// the old leader had is gone. Target: "leader:P"; params.lagMs is how long the followers lag.
import { setTimeout as sleep } from "node:timers/promises";
import { destructiveUnavailable, FaultError, nodeOf, numberParam, type FaultPackage } from "./fault.ts";
import { startStopped } from "./nodes.ts";

export const laggingLeaderKill: FaultPackage = {
  name: "lagging-leader-kill",
  family: "process",
  label: "leader killed while followers lag",
  color: "#9b2226",
  unavailable: destructiveUnavailable,
  async start(context, start) {
    const partition = start.target.kind === "leader" || start.target.kind === "followers" ? start.target.partition : numberParam(start.params, "partition", 0);
    const leaderId = start.view.leaders[partition];
    if (leaderId === undefined || leaderId < 0) throw new FaultError("lagging-leader-kill", `partition ${partition} has no leader`, { partition });
    const leader = nodeOf(context, leaderId, "lagging-leader-kill");
    const followers = (start.view.isr[partition] ?? []).filter((id) => id !== leaderId).map((id) => nodeOf(context, id, "lagging-leader-kill"));
    await Promise.all(followers.map((node) => node.pause()));
    try {
      await sleep(numberParam(start.params, "lagMs", 1_500));
      await leader.kill();
    } finally {
      await Promise.all(followers.map((node) => node.resume()));
    }
    return {
      targets: [`leader node ${leaderId} killed`, ...followers.map((node) => `follower node ${node.nodeId} lagged`)],
      stop: () => leader.start(),
    };
  },
  heal: startStopped,
};
