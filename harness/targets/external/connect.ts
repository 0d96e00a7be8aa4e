// The `external` target: attaches to a cluster someone else runs (a managed service, a compose
// file), after proving it answers. kconform owns nothing there, so only client-link faults apply.
import { Kafka, logLevel } from "kafkajs";
import { CouldNotRunError } from "../../errors.ts";
import type { Cluster } from "../target.ts";
import { kafkaJsConfig } from "./kafkajs-config.ts";
import { resolveExternalOptions, type ExternalOptions } from "./options.ts";

/** What the probe saw: useful in reports to say which cluster a run was measured against. */
export interface DescribedCluster {
  readonly clusterId: string | undefined;
  readonly controller: number | null;
  readonly brokers: readonly { nodeId: number; host: string; port: number }[];
}

export interface ExternalCluster extends Cluster {
  readonly target: "external";
  readonly owned: false;
  readonly described: DescribedCluster;
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // kafkajs wraps the failure of its last retry; the innermost message names the real cause.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message;
}

/**
 * Validates `options` and asks the cluster to describe itself with a kafkajs admin client, within
 * `probeTimeoutMs`. Fails with ExternalOptionsError before any I/O on bad options, and with a
 * CouldNotRunError naming the addresses and the cause when the cluster does not answer.
 */
export async function connectExternal(options: ExternalOptions): Promise<ExternalCluster> {
  const { bootstrap, security, probeTimeoutMs } = resolveExternalOptions(options);
  const admin = new Kafka(
    kafkaJsConfig(
      { bootstrap, security },
      {
        clientId: "kconform-probe",
        logLevel: logLevel.NOTHING,
        connectionTimeout: Math.min(probeTimeoutMs, 10_000),
        authenticationTimeout: probeTimeoutMs,
        requestTimeout: probeTimeoutMs,
        retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
      },
    ),
  ).admin();
  const shown = bootstrap.join(",");
  let timer: NodeJS.Timeout | undefined;
  try {
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${probeTimeoutMs} ms`)), probeTimeoutMs);
    });
    const probe = (async () => {
      await admin.connect();
      return admin.describeCluster();
    })();
    // When the bound wins, the probe still settles later (failing once disconnected); nobody awaits it then.
    probe.catch(() => undefined);
    const described = await Promise.race([probe, bound]);
    return {
      target: "external",
      bootstrap,
      nodes: [],
      owned: false,
      security,
      described: { clusterId: described.clusterId ?? undefined, controller: described.controller, brokers: described.brokers },
      async stop() {
        // Nothing to stop: the cluster is not ours.
      },
    };
  } catch (error) {
    throw new CouldNotRunError(
      `cannot reach the Kafka cluster at ${shown}: ${describeCause(error)}. Check the address, that the port is open from here, and the TLS/SASL options.`,
      "unreachable",
      { bootstrap, tls: security.ssl !== undefined, sasl: security.sasl?.mechanism },
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
