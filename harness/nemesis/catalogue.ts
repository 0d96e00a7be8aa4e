// Every fault package by name, in the order heal-at-end runs them: the network first (so nodes
// can talk), client links, paused processes, then nodes that are down are started again.
import { bandwidth } from "./bandwidth.ts";
import { blackhole } from "./blackhole.ts";
import type { FaultPackage } from "./fault.ts";
import { gracefulStop } from "./graceful-stop.ts";
import { kill } from "./kill.ts";
import { laggingLeaderKill } from "./lagging-leader-kill.ts";
import { laggingMajorityWipe } from "./lagging-majority-wipe.ts";
import { latency } from "./latency.ts";
import { linkTimeout } from "./link-timeout.ts";
import { partitionBridge } from "./partition-bridge.ts";
import { partitionHalves } from "./partition-halves.ts";
import { partitionIsolate } from "./partition-isolate.ts";
import { pause } from "./pause.ts";
import { proxyDown } from "./proxy-down.ts";
import { resetPeer } from "./reset-peer.ts";
import { restart } from "./restart.ts";
import { rollingRestart } from "./rolling-restart.ts";
import { slicer } from "./slicer.ts";
import { truncateSegment } from "./truncate-segment.ts";
import { wipe } from "./wipe.ts";

export const FAULT_PACKAGES: readonly FaultPackage[] = [
  partitionIsolate,
  partitionHalves,
  partitionBridge,
  latency,
  bandwidth,
  blackhole,
  linkTimeout,
  resetPeer,
  slicer,
  proxyDown,
  pause,
  kill,
  gracefulStop,
  restart,
  rollingRestart,
  laggingLeaderKill,
  laggingMajorityWipe,
  wipe,
  truncateSegment,
];

export function faultPackage(name: string): FaultPackage | undefined {
  return FAULT_PACKAGES.find((fault) => fault.name === name);
}
