// The acks=1 trap, Jepsen-style: pause a partition's followers so they fall behind (but stay in
// the ISR, briefly enough not to be fenced), keep the leader acknowledging writes alone, then
// SIGKILL the leader and let the followers go. A lagging follower becomes leader and what only
// the old leader had is gone. Target: "leader:P"; params.lagMs is how long the followers lag.
import { setTimeout as sleep } from "node:timers/promises";
import type { ClusterNode } from "../targets/target.ts";
import { destructiveUnavailable, FaultError, nodeOf, numberParam, type ActiveFault, type FaultPackage, type FaultStart, type NemesisContext } from "./fault.ts";
import { startStopped } from "./nodes.ts";

/** How many of the lagging followers go down with the leader, and whether their disks go too. */
export interface LaggingLoss {
  followersLost: "none" | "all-but-one";
  wipe: boolean;
}

/**
 * Pauses the followers in the ISR of the target partition for params.lagMs, then SIGKILLs the
 * leader (and, per `loss`, all followers but one, wiping the disks of every node killed) and
 * resumes the followers left; stopping the fault starts the killed nodes again.
 */
export async function lagThenKill(context: NemesisContext, start: FaultStart, fault: string, loss: LaggingLoss): Promise<ActiveFault> {
  const partition = start.target.kind === "leader" || start.target.kind === "followers" ? start.target.partition : numberParam(start.params, "partition", 0);
  const leaderId = start.view.leaders[partition];
  if (leaderId === undefined || leaderId < 0) throw new FaultError(fault, `partition ${partition} has no leader`, { partition });
  const leader = nodeOf(context, leaderId, fault);
  const followers = (start.view.isr[partition] ?? []).filter((id) => id !== leaderId).map((id) => nodeOf(context, id, fault));
  if (loss.followersLost === "all-but-one" && followers.length < 1) throw new FaultError(fault, `partition ${partition} has no follower in its ISR to survive the loss`, { partition, isr: start.view.isr[partition] });
  const killed: ClusterNode[] = [leader, ...(loss.followersLost === "all-but-one" ? followers.slice(1) : [])];
  const survivors = followers.filter((node) => !killed.includes(node));
  await Promise.all(followers.map((node) => node.pause()));
  try {
    await sleep(numberParam(start.params, "lagMs", 1_500));
    await Promise.all(killed.map((node) => node.kill()));
    if (loss.wipe) await Promise.all(killed.map((node) => node.wipe()));
  } finally {
    // A paused follower that was killed needs no SIGCONT: SIGKILL ends a stopped process too.
    await Promise.all(survivors.map((node) => node.resume()));
  }
  const verb = loss.wipe ? "killed, disk wiped" : "killed";
  return {
    targets: [`leader node ${leaderId} ${verb}`, ...killed.slice(1).map((node) => `follower node ${node.nodeId} ${verb}`), ...survivors.map((node) => `follower node ${node.nodeId} lagged`)],
    stop: () => Promise.all(killed.map((node) => node.start())).then(() => undefined),
  };
}

export const laggingLeaderKill: FaultPackage = {
  name: "lagging-leader-kill",
  family: "process",
  label: "leader killed while followers lag",
  color: "#9b2226",
  unavailable: destructiveUnavailable,
  start: (context, start) => lagThenKill(context, start, "lagging-leader-kill", { followersLost: "none", wipe: false }),
  heal: startStopped,
};
