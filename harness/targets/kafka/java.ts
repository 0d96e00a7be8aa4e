// Locates the Java runtime for the brokers and checks its version: Kafka 4 needs Java 17 or newer,
// and an older JVM fails with a class-version error that says nothing useful.
import { join } from "node:path";
import { EnvironmentError } from "../../errors.ts";
import { findProgram, isExecutableFile } from "../../proc/programs.ts";
import { runCommand } from "../../proc/run.ts";

export const MIN_JAVA_MAJOR = 17;
const INSTALL_HINT = "apt-get install openjdk-17-jre-headless";

export interface JavaRuntime {
  path: string;
  major: number;
}

/** Major version from `java -version` output: `openjdk version "17.0.15"` → 17, `"1.8.0_402"` → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

export async function requireJava(env: NodeJS.ProcessEnv = process.env): Promise<JavaRuntime> {
  const fromHome = env.JAVA_HOME ? join(env.JAVA_HOME, "bin", "java") : undefined;
  const path = fromHome !== undefined && isExecutableFile(fromHome) ? fromHome : findProgram("java", env);
  if (path === undefined) {
    throw new EnvironmentError(
      `java was not found (neither $JAVA_HOME/bin/java nor on PATH); Kafka's brokers need Java ${MIN_JAVA_MAJOR}+. Install it (${INSTALL_HINT}) or set JAVA_HOME.`,
      "java-missing",
      { path: env.PATH ?? "", javaHome: env.JAVA_HOME },
    );
  }
  const result = await runCommand({ file: path, args: ["-version"], env }, { timeoutMs: 30_000 });
  const major = parseJavaMajor(result.output);
  if (major === undefined || major < MIN_JAVA_MAJOR) {
    throw new EnvironmentError(
      `${path} is Java ${major ?? "of unknown version"}, Kafka 4 needs Java ${MIN_JAVA_MAJOR} or newer. Install it (${INSTALL_HINT}) and set JAVA_HOME.`,
      "java-too-old",
      { path, major, output: result.output.slice(0, 500) },
    );
  }
  return { path, major };
}

/**
 * JVM flags for test brokers and tools: quick start, little memory, no hsperfdata litter in /tmp.
 * C1 only and the serial collector, because several JVMs share two cores.
 */
export function jvmFlags(heap: string, log4jConfig: string): string[] {
  return [
    `-Xmx${heap}`,
    "-Xms64m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${log4jConfig}`,
  ];
}
