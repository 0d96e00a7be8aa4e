// Runs one node as the process's whole job: start, announce `ready bootstrap=HOST:PORT` (a broker)
// or `ready controller=HOST:PORT` (a dedicated controller) on stdout, the line the harness waits
// for, stop cleanly on SIGTERM or SIGINT. A second signal while stopping gives up on a clean stop.
import type { Logger } from "../logger.ts";
import { BrokerNode, type BrokerNodeOptions } from "./node.ts";

export interface ForegroundIo {
  stdout: (line: string) => void;
  /** Exits the process (tests pass a recorder). */
  exit: (code: number) => void;
}

const processIo: ForegroundIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  exit: (code) => process.exit(code),
};

/** A started node as the foreground loop needs it. */
export interface ForegroundNode {
  /** Printed on stdout once the node serves. */
  readonly readyLine: string;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/** Resolves once the node has stopped after a signal; start-up failures reject. */
export async function runNodeInForeground(options: BrokerNodeOptions, io: ForegroundIo = processIo): Promise<void> {
  return runInForeground(async () => {
    const node = await BrokerNode.start(options);
    return { readyLine: `ready bootstrap=${node.bootstrap}`, logger: node.context.logger, stop: () => node.stop() };
  }, io);
}

/** The same for any kind of node (a dedicated controller too). */
export async function runInForeground(start: () => Promise<ForegroundNode>, io: ForegroundIo = processIo): Promise<void> {
  const node = await start();
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const first = (received: NodeJS.Signals) => {
      process.off("SIGINT", first);
      process.off("SIGTERM", first);
      const again = () => io.exit(130);
      process.once("SIGINT", again);
      process.once("SIGTERM", again);
      resolve(received);
    };
    process.on("SIGINT", first);
    process.on("SIGTERM", first);
    io.stdout(node.readyLine);
  });
  node.logger.log("info", `${signal}: stopping`);
  await node.stop();
}
