// `kconform cluster --target reference --nodes 3` and `kconform broker --peers` as a user runs them:
// one ready line with every broker, a clean exit 0 on SIGTERM, and exit 2 with the reason for
// flags that cannot make a node.
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findFreePortBlock } from "../../harness/proc/ports.ts";
import { runCommand } from "../../harness/proc/run.ts";
import { referencePortsNeeded } from "../../harness/targets/reference/topology.ts";
import { metadataOf } from "./reference-cluster-kit.ts";

const KCONFORM = fileURLToPath(new URL("../../bin/kconform.js", import.meta.url));
let dir: string | undefined;
let child: ChildProcess | undefined;

afterEach(() => {
  // The cluster command's own SIGKILL handling is not under test here: on failure, kill its group.
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function readyLine(process: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    process.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n").find((l) => l.startsWith("ready "));
      if (line) resolve(line);
    });
    process.once("exit", (code) => reject(new Error(`exited with ${code} before it was ready`)));
  });
}

describe("kconform cluster --target reference --nodes 3", () => {
  it("prints one ready line with every broker, serves, and stops cleanly on SIGTERM", { timeout: 120_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), "kconform-cluster-cli-"));
    const port = await findFreePortBlock(referencePortsNeeded({ brokers: 3 }));
    const cluster = spawn(process.execPath, [KCONFORM, "cluster", "--target", "reference", "--nodes", "3", "--port", String(port), "--data-dir", dir], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    child = cluster;
    const exited = new Promise<number | null>((resolve) => cluster.once("exit", (code) => resolve(code)));
    const line = await readyLine(cluster);
    const bootstrap = line.slice("ready bootstrap=".length).split(",");
    expect(bootstrap).toEqual([0, 1, 2].map((i) => `127.0.0.1:${port + i}`));
    for (const view of await Promise.all(bootstrap.map(metadataOf))) expect(view.brokers).toEqual([1, 2, 3]);
    cluster.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

describe("kconform broker --peers", () => {
  it("refuses roles and peers that cannot make a node, with exit 2 and the reason", { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), "kconform-broker-peers-"));
    const broker = (args: string[]) => runCommand({ file: process.execPath, args: [KCONFORM, "broker", "--node-id", "1", "--data-dir", dir!, ...args] }, { timeoutMs: 60_000 });
    const controllerAlone = await broker(["--roles", "controller"]);
    expect(controllerAlone.code).toBe(2);
    expect(controllerAlone.output).toContain("a node without --peers is a cluster of one");
    const badPeers = await broker(["--port", "0", "--peers", "1@127.0.0.1"]);
    expect(badPeers.code).toBe(2);
    expect(badPeers.output).toContain("expected id@host:port");
    const notAVoter = await broker(["--port", "0", "--peers", "2@127.0.0.1:1", "--roles", "broker,controller"]);
    expect(notAVoter.code).toBe(2);
    expect(notAVoter.output).toContain("not among the voters");
  });
});
