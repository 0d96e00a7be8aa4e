// One reference-broker node as its own OS process (`reference-broker/main.ts`), so the nemesis's
// SIGKILL, SIGSTOP and restarts are real: started and restarted with the same identity, roles and
// data directory, ready when it prints `ready bootstrap=...` (a broker) or `ready controller=...`
// (a dedicated controller), its output appended to one log file.
import { fileURLToPath } from "node:url";
import type { SupervisedSpec } from "../../proc/child.ts";
import { nodeArgsFor } from "../../build/bundle-cache.ts";
import { ProcessNode } from "../../proc/process-node.ts";
import { placeCommand, type CommandWrapper } from "../placement.ts";
import type { NodeRole } from "../target.ts";

const READY = /^ready (bootstrap|controller)=/;
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ENTRY = fileURLToPath(new URL("../../../reference-broker/main.ts", import.meta.url));

export interface ReferenceNodeSetup {
  nodeId: number;
  roles: readonly NodeRole[];
  /** A broker's client port. */
  port?: number;
  /** The controller quorum (`id@host:port,...`); absent for a cluster of one. */
  peers?: string;
  dataDir: string;
  logFile: string;
  /** key=value broker settings. */
  config: readonly (readonly [string, string])[];
  startTimeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Runs the node inside its network namespace; absent, it runs in the root namespace. */
  inNamespace?: CommandWrapper;
}

export class ReferenceNode extends ProcessNode {
  constructor(private readonly setup: ReferenceNodeSetup) {
    super({ ...setup, clientAddress: setup.port !== undefined ? `127.0.0.1:${setup.port}` : undefined });
  }

  get name(): string {
    return `reference node ${this.nodeId}`;
  }

  async start(): Promise<void> {
    this.assertStopped();
    const { setup } = this;
    await this.launch(
      this.placed({
        name: this.name,
        file: process.execPath,
        args: [
          ...(await nodeArgsFor(ENTRY)),
          "--node-id",
          String(setup.nodeId),
          ...(setup.port !== undefined ? ["--port", String(setup.port)] : []),
          "--data-dir",
          setup.dataDir,
          ...(setup.peers !== undefined ? ["--peers", setup.peers, "--roles", setup.roles.join(",")] : []),
          ...setup.config.flatMap(([key, value]) => ["--config", `${key}=${value}`]),
        ],
        cwd: REPO_ROOT,
        env: setup.env ?? process.env,
        logFile: setup.logFile,
      }),
      { pattern: READY, what: 'print "ready"', timeoutMs: setup.startTimeoutMs, errorCode: "reference-node-not-ready" },
    );
  }

  /**
   * Inside its namespace the node listens on every address there: 127.0.0.1 for the relay clients
   * come through, the bridge address for its peers. It still advertises 127.0.0.1, which the
   * network makes mean this node in every namespace (NamespaceNetwork.shareLoopbackPorts).
   */
  private placed(spec: SupervisedSpec): SupervisedSpec {
    const wrap = this.setup.inNamespace;
    return wrap === undefined ? spec : placeCommand({ ...spec, args: [...spec.args, "--bind-any"] }, wrap);
  }
}
