// Network namespaces for real: three nodes with a TCP echo server each, connectivity across the
// bridge, an isolated node, a bridge topology, healing, forwarding from the root namespace, loopback
// ports shared across namespaces, and a teardown (and a crash cleanup) that leave no namespace
// behind. Skipped, with the reason, when this process may not create namespaces or run nft.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { createConnection } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { netnsSupport } from "../../harness/net/netns/support.ts";
import { NamespaceNetwork, cleanupStale, listNamespaces } from "../../harness/net/netns/network.ts";
import { runCommand } from "../../harness/net/netns/command.ts";
import { namespaceName, newRunId, nodeRole } from "../../harness/net/netns/names.ts";
import { bridge, isolateNode, oneWay, tcpReachable, type Grudge } from "../../harness/net/netns/grudge.ts";

const support = await netnsSupport();
const ECHO_PORT = 7007;
const NAME_PORT_BASE = 7100;
const NODES = [1, 2, 3];

// Echoes every byte back; prints "listening" once bound to the node's bridge address.
const ECHO_SERVER = `
const net = require("node:net");
const [host, port] = process.argv.slice(1);
net.createServer((s) => { s.on("error", () => {}); s.pipe(s); }).listen(Number(port), host, () => console.log("listening"));
`;
// Exits 0 if "ping" comes back within the bound, 1 otherwise; a dropped SYN shows as the timeout.
const ECHO_CLIENT = `
const net = require("node:net");
const [host, port] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) });
const timer = setTimeout(() => process.exit(1), 1000);
s.on("connect", () => s.write("ping"));
s.on("data", (d) => { if (d.toString() === "ping") { clearTimeout(timer); process.exit(0); } });
s.on("error", () => process.exit(1));
`;

// Answers every connection with its own name, so a client can tell which node it reached.
const NAME_SERVER = `
const net = require("node:net");
const [name, port] = process.argv.slice(1);
net.createServer((s) => { s.on("error", () => {}); s.end(name); }).listen(Number(port), "0.0.0.0", () => console.log("listening"));
`;
// Prints what 127.0.0.1:port answers within the bound, or "unreachable".
const NAME_CLIENT = `
const net = require("node:net");
const s = net.connect({ host: "127.0.0.1", port: Number(process.argv[1]) });
let got = "";
const timer = setTimeout(() => { console.log("unreachable"); process.exit(0); }, 1000);
s.on("data", (d) => (got += d));
s.on("end", () => { clearTimeout(timer); console.log(got); process.exit(0); });
s.on("error", () => { clearTimeout(timer); console.log("unreachable"); process.exit(0); });
`;

function exitCode(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
}

describe.skipIf(!support.ok)(`network namespaces${support.ok ? "" : ` — skipped: ${support.reason}`}`, () => {
  let network: NamespaceNetwork;
  const servers: ChildProcess[] = [];

  async function reaches(client: number, server: number): Promise<boolean> {
    const line = network.commandIn(client, process.execPath, ["-e", ECHO_CLIENT, network.node(server).address, String(ECHO_PORT)]);
    return (await exitCode(spawn(line.command, line.args, { stdio: "ignore" }))) === 0;
  }

  async function connectivity(): Promise<Record<string, boolean>> {
    const pairs = NODES.flatMap((a) => NODES.filter((b) => b !== a).map((b) => [a, b] as const));
    const results = await Promise.all(pairs.map(([a, b]) => reaches(a, b)));
    return Object.fromEntries(pairs.map(([a, b], i) => [`${a}->${b}`, results[i]]));
  }

  function expected(grudge: Grudge): Record<string, boolean> {
    const pairs = NODES.flatMap((a) => NODES.filter((b) => b !== a).map((b) => [a, b] as const));
    return Object.fromEntries(pairs.map(([a, b]) => [`${a}->${b}`, tcpReachable(grudge, a, b)]));
  }

  function echoThroughForward(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      const timer = setTimeout(() => finish(false), 2000);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(ok);
      };
      socket.on("connect", () => socket.write("ping"));
      socket.on("data", (data) => finish(data.toString() === "ping"));
      socket.on("error", () => finish(false));
    });
  }

  async function serve(nodeId: number, script: string, args: string[]): Promise<void> {
    const line = network.commandIn(nodeId, process.execPath, ["-e", script, ...args]);
    const server = spawn(line.command, line.args, { stdio: ["ignore", "pipe", "inherit"] });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once("data", () => resolve());
      server.once("exit", (code) => reject(new Error(`server in node ${nodeId} exited ${code}`)));
    });
  }

  /** What 127.0.0.1:port answers inside node `client`'s namespace. */
  async function loopbackAnswer(client: number, port: number): Promise<string> {
    const line = network.commandIn(client, process.execPath, ["-e", NAME_CLIENT, String(port)]);
    const child = spawn(line.command, line.args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    await exitCode(child);
    return out.trim();
  }

  beforeAll(async () => {
    await cleanupStale();
    network = await NamespaceNetwork.create({ nodeIds: NODES });
    for (const nodeId of NODES) await serve(nodeId, ECHO_SERVER, [network.node(nodeId).address, String(ECHO_PORT)]);
  });

  afterAll(async () => {
    for (const server of servers) server.kill("SIGKILL");
    if (!network) return;
    await network.teardown();
    expect((await listNamespaces()).filter((name) => name.includes(network.runId))).toEqual([]);
  });

  it("gives each node its own namespace and address, all reachable across the bridge", async () => {
    const names = await listNamespaces();
    for (const node of network.nodes) expect(names).toContain(node.namespace);
    expect(names).toContain(network.hub);
    expect(new Set(network.nodes.map((node) => node.address)).size).toBe(3);
    expect(await connectivity()).toEqual(expected(new Map()));
  });

  it("isolating node 1 cuts its connections while 2 and 3 still talk; healing restores all", async () => {
    const grudge = isolateNode(NODES, 1);
    await network.partition(grudge);
    const during = await connectivity();
    expect(during).toEqual(expected(grudge));
    expect(during["2->3"]).toBe(true);
    expect(during["1->2"]).toBe(false);
    await network.heal();
    expect(await connectivity()).toEqual(expected(new Map()));
  });

  it("a bridge keeps the middle node connected to both sides that cannot reach each other", async () => {
    const grudge = bridge(NODES); // [1] [2 3], bridge node 2
    await network.partition(grudge);
    const during = await connectivity();
    expect(during).toEqual(expected(grudge));
    expect(during["1->3"]).toBe(false);
    expect(during["1->2"]).toBe(true);
    await network.heal();
  });

  it("a one-way drop at node 3 of packets from node 2 stops TCP between them and nothing else", async () => {
    const grudge = oneWay(NODES, 2, 3);
    await network.partition(grudge);
    const during = await connectivity();
    expect(during).toEqual(expected(grudge));
    expect(during["1->3"]).toBe(true);
    expect(during["2->3"]).toBe(false);
    await network.heal();
  });

  it("forwards a root-namespace port to a node, and partitions between nodes do not cut that path", async () => {
    const forward = await network.forward(1, ECHO_PORT);
    expect(forward.host).toBe("127.0.0.1");
    expect(await echoThroughForward(forward.port)).toBe(true);
    await network.partition(isolateNode(NODES, 1));
    expect(await echoThroughForward(forward.port)).toBe(true);
    await network.heal();
    await forward.close();
    expect(await echoThroughForward(forward.port)).toBe(false);
  });

  it("a forward to a port nothing listens on resets the client's connection, as a dead server's port would", async () => {
    const forward = await network.forward(2, ECHO_PORT + 1);
    try {
      const outcome = await new Promise<string>((resolve) => {
        const socket = createConnection({ host: forward.host, port: forward.port });
        socket.on("error", (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
        socket.on("close", () => resolve("clean close"));
      });
      expect(outcome).toBe("error ECONNRESET");
    } finally {
      await forward.close();
    }
  });

  it("shared loopback ports mean their owner in every namespace, and partitions cut them like any path", async () => {
    const portOf = (nodeId: number) => NAME_PORT_BASE + nodeId;
    for (const nodeId of NODES) await serve(nodeId, NAME_SERVER, [`node-${nodeId}`, String(portOf(nodeId))]);
    await network.shareLoopbackPorts(NODES.map((nodeId) => ({ nodeId, port: portOf(nodeId) })));
    for (const client of NODES) {
      for (const owner of NODES) expect(await loopbackAnswer(client, portOf(owner))).toBe(`node-${owner}`);
    }
    await network.partition(isolateNode(NODES, 2));
    expect(await loopbackAnswer(1, portOf(2))).toBe("unreachable");
    expect(await loopbackAnswer(1, portOf(3))).toBe("node-3");
    expect(await loopbackAnswer(2, portOf(2))).toBe("node-2");
    await network.heal();
    expect(await loopbackAnswer(1, portOf(2))).toBe("node-2");
  });

  it("teardown deletes every namespace it made and can be called twice", async () => {
    const extra = await NamespaceNetwork.create({ nodeIds: [7, 8] });
    const made = [extra.hub, ...extra.nodes.map((node) => node.namespace)];
    await extra.teardown();
    await extra.teardown();
    const names = await listNamespaces();
    for (const name of made) expect(names).not.toContain(name);
  });

  it("cleanupStale removes what a dead run left behind and leaves live runs alone", async () => {
    const finished = spawn(process.execPath, ["-e", ""]);
    const deadPid = finished.pid!;
    await exitCode(finished);
    const runId = newRunId(deadPid);
    const leftovers = [namespaceName(runId, "hub"), namespaceName(runId, nodeRole(1))];
    for (const name of leftovers) await runCommand({ command: "ip", args: ["netns", "add", name] });
    await runCommand({ command: "ip", args: ["-n", leftovers[0], "link", "add", "vn1", "type", "veth", "peer", "name", "eth0", "netns", leftovers[1]] });

    const removed = await cleanupStale();
    expect(removed).toEqual(expect.arrayContaining(leftovers));
    const names = await listNamespaces();
    for (const name of leftovers) expect(names).not.toContain(name);
    for (const node of network.nodes) expect(names).toContain(node.namespace);
  });
});

const canDropPrivileges = process.getuid?.() === 0 && spawnSync("setpriv", ["--version"]).status === 0;

describe.skipIf(!canDropPrivileges)(`privilege detection${canDropPrivileges ? "" : " — skipped: needs root and setpriv to run a probe as nobody"}`, () => {
  it("gives the reason instead of failing when the process may not create namespaces", () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const support = new URL("../../harness/net/netns/support.ts", import.meta.url).href;
    const probe = `import(${JSON.stringify(support)}).then(async (m) => console.log(JSON.stringify(await m.netnsSupport())))`;
    const run = spawnSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", process.execPath, "--import", tsx, "-e", probe],
      { encoding: "utf8", timeout: 60_000 },
    );
    const answer = JSON.parse(run.stdout.trim().split("\n").pop() ?? "null") as { ok: boolean; reason?: string };
    expect(answer.ok).toBe(false);
    expect(answer.reason).toMatch(/cannot create a network namespace.*(not permitted|denied)/i);
  });
});
