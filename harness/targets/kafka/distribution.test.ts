// The Maven project that fetches Kafka, and the error when Maven itself is missing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureKafkaJars, kafkaPom, KAFKA_VERSION, LOG4J_VERSION, mavenErrors } from "./distribution.ts";

describe("kafkaPom", () => {
  const pom = kafkaPom("http://mirror.example/maven2");

  it("asks for Kafka, its tools, and the SLF4J 1.x binding of log4j2", () => {
    for (const artifact of ["kafka_2.13", "kafka-tools"]) expect(pom).toContain(`<artifactId>${artifact}</artifactId><version>${KAFKA_VERSION}</version>`);
    for (const artifact of ["log4j-api", "log4j-core", "log4j-slf4j-impl"]) expect(pom).toContain(`<artifactId>${artifact}</artifactId><version>${LOG4J_VERSION}</version>`);
  });

  it("takes both dependencies and Maven's own plugins from the given repository", () => {
    expect(pom.match(/<id>central<\/id><url>http:\/\/mirror\.example\/maven2<\/url>/g)).toHaveLength(2);
  });
});

describe("ensureKafkaJars", () => {
  it("says Maven is missing, and how to get it, before touching the network", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kconform-nomvn-"));
    try {
      await expect(ensureKafkaJars({ cacheDir: join(dir, "cache"), env: { PATH: dir } })).rejects.toMatchObject({
        code: "mvn-missing",
        message: expect.stringMatching(/mvn was not found.*apt-get install maven/),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("mavenErrors", () => {
  it("keeps what failed and drops Maven's generic advice", () => {
    const output = [
      "\u001b[0m[ERROR] Plugin org.apache.maven.plugins:maven-dependency-plugin:3.8.1 could not be resolved: Connect to 127.0.0.1:1 failed: Connection refused -> [Help 1]",
      "[ERROR] ",
      "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
      "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
      "[ERROR] For more information about the errors and possible solutions, please read the following articles:",
      "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/PluginResolutionException",
    ].join("\n");
    expect(mavenErrors(output)).toBe(
      "[ERROR] Plugin org.apache.maven.plugins:maven-dependency-plugin:3.8.1 could not be resolved: Connect to 127.0.0.1:1 failed: Connection refused -> [Help 1]",
    );
  });

  it("falls back to the last lines when Maven printed no [ERROR]", () => {
    expect(mavenErrors("a\nb\n\nKilled\n")).toBe("a\nb\nKilled");
  });
});
