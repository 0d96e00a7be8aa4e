// N-1 of N replicas lost for good, at the worst moment: the followers lag (paused, still in the
// ISR) while the leader acknowledges alone, then the leader and all followers but one are
// SIGKILLed and their disks wiped; the last follower resumes and is elected with what it had.
// acks=all loses nothing this way (nothing was acknowledged during the lag); acks=0/1 lose the
// lag's records. Target: "leader:P"; params.lagMs is how long the followers lag.
import { destructiveUnavailable, type FaultPackage } from "./fault.ts";
import { lagThenKill } from "./lagging-leader-kill.ts";
import { startStopped } from "./nodes.ts";

export const laggingMajorityWipe: FaultPackage = {
  name: "lagging-majority-wipe",
  family: "disk",
  label: "leader and followers wiped while followers lag",
  color: "#3d0c11",
  unavailable: destructiveUnavailable,
  start: (context, start) => lagThenKill(context, start, "lagging-majority-wipe", { followersLost: "all-but-one", wipe: true }),
  heal: startStopped,
};
