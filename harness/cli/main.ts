// The `kconform` command line: parses flags with commander and maps every failure to one clear
// message and an exit code a CI gate can trust (0 ok, 1 anomaly found, 2 could not run).
import { Command, CommanderError } from "commander";
import { KconformError, CouldNotRunError, EXIT_COULD_NOT_RUN } from "../errors.ts";
import { commands } from "./commands.ts";

const program = new Command("kconform")
  .description("Conformance and chaos test suite for Kafka-compatible brokers, with a reference broker")
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

for (const command of commands()) program.addCommand(command.exitOverride());

function fail(error: unknown): never {
  if (error instanceof CommanderError) {
    // --help and --version end through here too, with exit code 0.
    process.exit(error.exitCode === 0 ? 0 : EXIT_COULD_NOT_RUN);
  }
  if (error instanceof KconformError) {
    process.stderr.write(`kconform: ${error.message}\n`);
    process.exit(error instanceof CouldNotRunError ? EXIT_COULD_NOT_RUN : 1);
  }
  process.stderr.write(`kconform: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(EXIT_COULD_NOT_RUN);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  fail(error);
}
