// docker-compose.yml parsed as YAML (merge keys resolved, as Compose does) and held to the same
// broker settings and listener scheme as the Testcontainers target, so the two cannot drift apart.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CLIENT_PORT, CLUSTER_ID, KAFKA_IMAGE, TOXIPROXY_IMAGE, brokerAlias, brokerEnvironment } from "./broker-config.ts";

interface ComposeService {
  image?: string;
  hostname?: string;
  environment?: Record<string, unknown>;
  ports?: string[];
  healthcheck?: { test?: unknown };
  configs?: { source: string; target: string }[];
  command?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  configs?: Record<string, { content?: string }>;
}

const composePath = fileURLToPath(new URL("../../../docker-compose.yml", import.meta.url));
const compose = parse(readFileSync(composePath, "utf8"), { merge: true }) as ComposeFile;
const NODE_IDS = [1, 2, 3];
const proxyPort = (nodeId: number) => 29090 + nodeId;

function stringValues(environment: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(environment ?? {}).map(([key, value]) => [key, String(value)]));
}

describe("docker-compose.yml", () => {
  it("has exactly three Kafka nodes and one Toxiproxy, on the pinned images", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["kafka-1", "kafka-2", "kafka-3", "toxiproxy"]);
    for (const nodeId of NODE_IDS) {
      expect(compose.services[brokerAlias(nodeId)].image).toBe(KAFKA_IMAGE);
      expect(compose.services[brokerAlias(nodeId)].hostname).toBe(brokerAlias(nodeId));
    }
    expect(compose.services.toxiproxy.image).toBe(TOXIPROXY_IMAGE);
  });

  it("configures every node exactly as the Testcontainers target does, advertising its proxy", () => {
    for (const nodeId of NODE_IDS) {
      const expected = brokerEnvironment({ nodeId, nodeIds: NODE_IDS, advertisedClientAddress: `localhost:${proxyPort(nodeId)}` });
      expect(stringValues(compose.services[brokerAlias(nodeId)].environment)).toEqual(expected);
    }
    expect(Buffer.from(CLUSTER_ID, "base64url")).toHaveLength(16);
  });

  it("proxies each advertised client port to its node, published on 127.0.0.1 only", () => {
    const toxiproxy = compose.services.toxiproxy;
    const mounted = toxiproxy.configs?.find((config) => config.target === "/etc/toxiproxy/proxies.json");
    expect(toxiproxy.command).toContain(`-config=${mounted?.target}`);
    const proxies = JSON.parse(compose.configs?.[mounted!.source]?.content ?? "null") as { name: string; listen: string; upstream: string; enabled: boolean }[];
    expect(proxies).toEqual(
      NODE_IDS.map((nodeId) => ({
        name: brokerAlias(nodeId),
        listen: `0.0.0.0:${proxyPort(nodeId)}`,
        upstream: `${brokerAlias(nodeId)}:${CLIENT_PORT}`,
        enabled: true,
      })),
    );
    expect(toxiproxy.ports).toEqual(["127.0.0.1:8474:8474", ...NODE_IDS.map((nodeId) => `127.0.0.1:${proxyPort(nodeId)}:${proxyPort(nodeId)}`)]);
  });

  it("gives every service a healthcheck", () => {
    for (const [name, service] of Object.entries(compose.services)) expect(service.healthcheck?.test, name).toBeDefined();
  });

  it("documents the kconform command that attaches to it", () => {
    const bootstrap = NODE_IDS.map((nodeId) => `localhost:${proxyPort(nodeId)}`).join(",");
    expect(readFileSync(composePath, "utf8")).toContain(`kconform run --target external --bootstrap ${bootstrap}`);
  });
});
