// Talking to one broker at a time: a kafkajs admin whose every connection goes to the broker
// chosen, whatever address kafkajs thinks it is using. Used to compare brokers' metadata, and to
// wait until every broker serves a new topic, since a client may ask any of them next.
import { Kafka, logLevel, type Admin, type ISocketFactory } from "kafkajs";
import { isIP, connect as netConnect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { connect as tlsConnect } from "node:tls";
import { kafkaJsConfig } from "../../harness/targets/external/kafkajs-config.ts";
import type { SpecTarget } from "../spec.ts";
import { SpecSetupError, withAdmin } from "./clients.ts";

const splitAddress = (address: string): [host: string, port: number] => {
  const colon = address.lastIndexOf(":");
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
};

function kafkaPinnedTo(target: SpecTarget, address: string): Kafka {
  const [host, port] = splitAddress(target.access.detours?.get(address) ?? address);
  const [servername] = splitAddress(address);
  const socketFactory: ISocketFactory = ({ ssl, onConnect }) =>
    ssl ? tlsConnect({ host, port, ...(isIP(servername) ? {} : { servername }), ...ssl }, onConnect) : netConnect({ host, port }, onConnect);
  return new Kafka(
    kafkaJsConfig(
      { bootstrap: [address], security: target.access.security },
      { clientId: "kconform-spec-pinned", logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 5_000, retry: { retries: 2, initialRetryTime: 100 }, socketFactory },
    ),
  );
}

/** An admin client that only ever talks to the broker at `address` (host:port as advertised or bootstrapped). */
export async function withAdminPinnedTo<T>(target: SpecTarget, address: string, use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafkaPinnedTo(target, address).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The bootstrap servers and every broker address the metadata advertises. */
export async function everyBrokerAddress(target: SpecTarget): Promise<string[]> {
  const { brokers } = await withAdmin(target, (admin) => admin.describeCluster());
  return [...new Set([...target.access.bootstrap, ...brokers.map((b) => `${b.host}:${b.port}`)])];
}

/** Until every broker, asked on its own, lists the topic with a leader for each of its partitions. */
export async function topicServedByEveryBroker(target: SpecTarget, topic: string, partitions: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const lagging = async (address: string) =>
    withAdminPinnedTo(target, address, async (admin) => {
      for (;;) {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => ({ topics: [] }));
        const led = topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0;
        if (led === partitions) return undefined;
        if (performance.now() > deadline) return `${address} lists ${led} of its ${partitions} partitions with a leader`;
        await sleep(50);
      }
    });
  const problems = (await Promise.all((await everyBrokerAddress(target)).map(lagging))).filter((p) => p !== undefined);
  if (problems.length > 0) throw new SpecSetupError(`topic ${topic} was created but not every broker served it within ${timeoutMs} ms: ${problems.join("; ")}`, "topic-not-served", { topic });
}
