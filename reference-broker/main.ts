// Entry point of one reference-broker node process (`node --import tsx reference-broker/main.ts
// --node-id 1 --port 9092 --data-dir DIR`), the same command as `kconform broker`. Exit codes: 0
// after a clean stop, 2 when the node cannot start (bad flag or setting, port taken, foreign data
// directory), 1 when it fails while running.
import { CommanderError } from "commander";
import { brokerCommand } from "../harness/cli/broker.ts";
import { CouldNotRunError, EXIT_COULD_NOT_RUN } from "../harness/errors.ts";

try {
  await brokerCommand().exitOverride().parseAsync(process.argv);
  process.exit(0);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT_COULD_NOT_RUN);
  const couldNotStart = error instanceof CouldNotRunError;
  process.stderr.write(`reference broker: ${couldNotStart ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(couldNotStart ? EXIT_COULD_NOT_RUN : 1);
}
