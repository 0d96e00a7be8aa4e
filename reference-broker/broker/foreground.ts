// Runs one node as the process's whole job: start, announce `ready bootstrap=HOST:PORT` on stdout
// (the line the harness waits for), stop cleanly on SIGTERM or SIGINT. A second signal while
// stopping gives up on a clean stop.
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

/** Resolves once the node has stopped after a signal; start-up failures reject. */
export async function runNodeInForeground(options: BrokerNodeOptions, io: ForegroundIo = processIo): Promise<void> {
  const node = await BrokerNode.start(options);
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
    io.stdout(`ready bootstrap=${node.bootstrap}`);
  });
  node.context.logger.log("info", `${signal}: stopping`);
  await node.stop();
}
