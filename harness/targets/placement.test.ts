// Placing a node's command in its namespace, and planned nodes on their namespace addresses.
import { describe, expect, it } from "vitest";
import { CouldNotRunError } from "../errors.ts";
import { placeCommand, withPeerHosts } from "./placement.ts";

describe("placeCommand", () => {
  const spec = { name: "kafka node 1", file: "/usr/bin/java", args: ["-cp", "x", "kafka.Kafka"], cwd: "/r", logFile: "/l" };

  it("runs the program through the wrapper and keeps everything else", () => {
    const placed = placeCommand(spec, (command, args) => ({ command: "ip", args: ["netns", "exec", "kc-1-ab-n1", command, ...args] }));
    expect(placed).toEqual({ ...spec, file: "ip", args: ["netns", "exec", "kc-1-ab-n1", "/usr/bin/java", "-cp", "x", "kafka.Kafka"] });
  });

  it("without a wrapper, is the spec itself", () => {
    expect(placeCommand(spec, undefined)).toBe(spec);
  });
});

describe("withPeerHosts", () => {
  it("gives each node its address", () => {
    expect(withPeerHosts([{ nodeId: 1 }, { nodeId: 1001 }], new Map([[1, "10.0.0.1"], [1001, "10.0.0.2"]]), "node")).toEqual([
      { nodeId: 1, peerHost: "10.0.0.1" },
      { nodeId: 1001, peerHost: "10.0.0.2" },
    ]);
  });

  it("names the node that has no address", () => {
    const attempt = () => withPeerHosts([{ nodeId: 1 }, { nodeId: 2 }], new Map([[1, "10.0.0.1"]]), "reference node");
    expect(attempt).toThrow(CouldNotRunError);
    expect(attempt).toThrow(/reference node 2 has no network namespace address/);
  });
});
