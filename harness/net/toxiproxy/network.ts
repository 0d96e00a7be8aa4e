// A running Toxiproxy server owned by the harness, and the faults it puts on the proxies in front
// of each broker. Every fault comes back as a handle that removes it; healAll() removes them all.
import { Toxiproxy, ToxiproxyError, type Proxy } from "toxiproxy-node-client";
import { KconformError, StartupError } from "../../errors.ts";
import { describeExit, SupervisedProcess } from "../../proc/child.ts";
import { logTail } from "../../proc/log-file.ts";
import { LOOPBACK } from "../../proc/ports.ts";
import { describeToxic, toxicBody, type ToxicOptions, type ToxicSpec } from "./toxics.ts";

export interface ProxyRoute {
  name: string;
  /** host:port Toxiproxy listens on (what clients are told). */
  listen: string;
  /** host:port of the real server. */
  upstream: string;
}

export interface FaultHandle {
  readonly proxy: string;
  readonly description: string;
  /** Undo the fault; a no-op when healAll() already did. */
  remove(): Promise<void>;
}

export class ToxiproxyApiError extends KconformError {}

export interface ToxiproxyStartOptions {
  /** Path of the `server` binary (see ensureToxiproxyServer). */
  binary: string;
  port: number;
  logFile: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

const STOP_GRACE_MS = 3_000;

function isNotFound(error: unknown): boolean {
  return error instanceof ToxiproxyError && /status code 404/.test(error.message);
}

export class ToxiproxyNetwork {
  private readonly routes = new Map<string, Proxy>();
  private toxicCounter = 0;

  private constructor(
    private readonly server: SupervisedProcess,
    private readonly client: Toxiproxy,
    readonly apiUrl: string,
  ) {}

  /** Start the server on 127.0.0.1:port and wait until its API answers. */
  static async start(options: ToxiproxyStartOptions): Promise<ToxiproxyNetwork> {
    const apiUrl = `http://${LOOPBACK}:${options.port}`;
    const server = await SupervisedProcess.start({
      name: "toxiproxy",
      file: options.binary,
      args: ["-host", LOOPBACK, "-port", String(options.port)],
      env: options.env,
      logFile: options.logFile,
    });
    const client = new Toxiproxy(apiUrl);
    const deadline = performance.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      try {
        await client.getVersion();
        return new ToxiproxyNetwork(server, client, apiUrl);
      } catch {
        // Not listening yet.
      }
      const exited = server.exitStatus();
      if (exited !== undefined || performance.now() > deadline) {
        await server.kill();
        const why = exited !== undefined ? `exited with ${describeExit(exited)}` : `did not answer on ${apiUrl} in time`;
        throw new StartupError(`toxiproxy ${why}; last lines of ${options.logFile}:\n${logTail(options.logFile)}`, "toxiproxy-not-ready", {
          apiUrl,
          logFile: options.logFile,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  pid(): number {
    return this.server.pid;
  }

  isRunning(): boolean {
    return this.server.isRunning();
  }

  proxies(): ProxyRoute[] {
    return [...this.routes.values()].map((p) => ({ name: p.name, listen: p.listen, upstream: p.upstream }));
  }

  async addProxy(route: ProxyRoute): Promise<void> {
    const proxy = await this.call(`create proxy ${route.name} ${route.listen} → ${route.upstream}`, () =>
      this.client.createProxy({ ...route, enabled: true }),
    );
    this.routes.set(route.name, proxy);
  }

  async addToxic(proxyName: string, spec: ToxicSpec, options: ToxicOptions = {}): Promise<FaultHandle> {
    const proxy = this.proxy(proxyName);
    const name = `${spec.kind}-${options.stream ?? "downstream"}-${++this.toxicCounter}`;
    const description = describeToxic(spec, options);
    const body = toxicBody(name, spec, options);
    const toxic = await this.call(`add ${description} to ${proxyName}`, () => proxy.addToxic(body));
    return {
      proxy: proxyName,
      description,
      remove: () =>
        this.call(`remove ${description} from ${proxyName}`, async () => {
          try {
            await toxic.remove();
          } catch (error) {
            if (!isNotFound(error)) throw error;
          }
        }),
    };
  }

  /** Take the proxy down: its listener closes and open connections are cut. */
  async down(proxyName: string): Promise<FaultHandle> {
    await this.setEnabled(proxyName, false);
    return { proxy: proxyName, description: "down", remove: () => this.setEnabled(proxyName, true) };
  }

  /** Re-enable every proxy and remove every toxic. */
  async healAll(): Promise<void> {
    await this.call("reset all proxies", () => this.client.reset());
  }

  async stop(): Promise<void> {
    await this.server.terminate(STOP_GRACE_MS);
  }

  private proxy(name: string): Proxy {
    const proxy = this.routes.get(name);
    if (proxy === undefined) {
      throw new ToxiproxyApiError(`no proxy named ${name}; known: ${[...this.routes.keys()].join(", ")}`, "unknown-proxy", { name });
    }
    return proxy;
  }

  private async setEnabled(name: string, enabled: boolean): Promise<void> {
    const proxy = this.proxy(name);
    await this.call(`${enabled ? "enable" : "disable"} proxy ${name}`, () =>
      proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream }),
    );
  }

  private async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw new ToxiproxyApiError(`toxiproxy at ${this.apiUrl} could not ${what}: ${(error as Error).message}`, "toxiproxy-api", { what }, { cause: error });
    }
  }
}
