// The list of kconform's subcommands; each lives in its own file beside this one.
import type { Command } from "commander";
import { brokerCommand } from "./broker.ts";
import { checkCommand } from "./check.ts";
import { clusterCommand } from "./cluster.ts";
import { reportCommand } from "./report.ts";
import { runCommand } from "./run.ts";
import { setupCommand } from "./setup.ts";

export function commands(): Command[] {
  return [
    // one line per command file, e.g. clusterCommand(),
    brokerCommand(),
    checkCommand(),
    clusterCommand(),
    reportCommand(),
    runCommand(),
    setupCommand(),
  ];
}
