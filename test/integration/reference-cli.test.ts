// `kconform broker` and `kconform cluster --target reference` as a user runs them: the ready line
// on stdout, a clean exit 0 on SIGTERM with the data kept, and exit 2 with the reason when the node
// cannot start.
import { afterEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "../../harness/proc/run.ts";
import { ApiKey } from "../../reference-broker/protocol/generated/messages.ts";
import { WireClient } from "./reference-wire.ts";

const KCONFORM = fileURLToPath(new URL("../../bin/kconform.js", import.meta.url));
let dir: string | undefined;
let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function kconform(args: string[]) {
  return runCommand({ file: process.execPath, args: [KCONFORM, ...args] }, { timeoutMs: 60_000 });
}

describe("kconform broker", () => {
  it("prints the ready line, serves, and stops cleanly on SIGTERM", { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), "kconform-broker-cli-"));
    const broker = spawn(process.execPath, [KCONFORM, "broker", "--node-id", "3", "--port", "0", "--data-dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
    child = broker;
    const exited = new Promise<number | null>((resolve) => broker.once("exit", (code) => resolve(code)));
    const ready = await new Promise<string>((resolve, reject) => {
      let out = "";
      broker.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        const line = out.split("\n").find((l) => l.startsWith("ready "));
        if (line) resolve(line);
      });
      broker.once("exit", (code) => reject(new Error(`kconform broker exited with ${code} before it was ready`)));
    });
    expect(ready).toMatch(/^ready bootstrap=127\.0\.0\.1:\d+$/);
    const client = await WireClient.connect(ready.slice("ready bootstrap=".length));
    const metadata = await client.request(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    client.close();
    expect(metadata.brokers.map((b) => b.nodeId)).toEqual([3]);
    broker.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(join(dir, "meta.properties"))).toBe(true);
  });

  it("exits 2 naming the reason when it cannot start", { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), "kconform-broker-cli-"));
    const badSetting = await kconform(["broker", "--node-id", "1", "--port", "0", "--data-dir", dir, "--config", "log.segment.bytes=10"]);
    expect(badSetting.code).toBe(2);
    expect(badSetting.output).toContain("log.segment.bytes must be at least 1048576");
    const badNodes = await kconform(["cluster", "--target", "reference", "--nodes", "0", "--data-dir", dir]);
    expect(badNodes.code).toBe(2);
    expect(badNodes.output).toContain("--nodes");
  });
});
