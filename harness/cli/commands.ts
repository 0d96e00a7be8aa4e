// The list of kconform's subcommands; each lives in its own file beside this one.
import type { Command } from "commander";

export function commands(): Command[] {
  return [
    // one line per command file, e.g. clusterCommand(),
  ];
}
