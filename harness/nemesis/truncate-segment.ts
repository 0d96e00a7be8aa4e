// A torn write: SIGKILL the target nodes and cut the tail off the newest log segment of one
// partition of the workload topic (params.partition, params.bytes); stop starts them, and log
// recovery must notice the damage.
import { statSync, truncateSync } from "node:fs";
import { destructiveUnavailable, FaultError, numberParam, type FaultPackage } from "./fault.ts";
import { startStopped, targetNodes } from "./nodes.ts";
import { newestSegment, truncatedLength } from "./segments.ts";

export const truncateSegment: FaultPackage = {
  name: "truncate-segment",
  family: "disk",
  label: "segment tail cut",
  color: "#6c757d",
  unavailable: destructiveUnavailable,
  async start(context, start) {
    const nodes = targetNodes(context, start, "truncate-segment");
    const partition = numberParam(start.params, "partition", 0);
    const bytes = numberParam(start.params, "bytes", 100);
    await Promise.all(nodes.map((node) => node.kill()));
    const targets: string[] = [];
    for (const node of nodes) {
      const segment = newestSegment(node.dataDir, context.topic, partition);
      if (segment === undefined) {
        targets.push(`node ${node.nodeId}: no segment of ${context.topic}-${partition}`);
        continue;
      }
      const size = statSync(segment).size;
      const length = truncatedLength(size, bytes);
      try {
        truncateSync(segment, length);
      } catch (error) {
        throw new FaultError("truncate-segment", `cannot truncate ${segment}: ${(error as Error).message}`, { segment });
      }
      targets.push(`node ${node.nodeId}: ${segment} ${size} → ${length} bytes`);
    }
    return { targets, stop: () => Promise.all(nodes.map((node) => node.start())).then(() => undefined) };
  },
  heal: startStopped,
};
