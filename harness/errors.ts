// Typed errors of the harness. Each carries the context a user needs to act on it; the CLI maps
// them to exit codes once, at the edge (2 = could not run, 1 = a check found an anomaly).

export class KconformError extends Error {
  constructor(
    message: string,
    /** Machine-readable name of the failure, e.g. "port-in-use". */
    readonly code: string,
    /** What was being done, on what: ports, paths, node ids, commands. */
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The run could not happen (missing tool, bad flag, unreachable endpoint): exit code 2. */
export class CouldNotRunError extends KconformError {}

/** A precondition of the machine is missing: a program, a privilege, a free port. */
export class EnvironmentError extends CouldNotRunError {}

/** A server the harness started did not become ready in time, or died while starting. */
export class StartupError extends CouldNotRunError {}

export const EXIT_OK = 0;
export const EXIT_ANOMALY = 1;
export const EXIT_COULD_NOT_RUN = 2;
