// Plumbing shared by the real-Kafka integration tests: quiet kafkajs clients, reading a topic back
// whole, partition leaders, bounded polling instead of fixed sleeps, and checks for leftover processes.
import { Kafka, logLevel, type KafkaConfig } from "kafkajs";
import { readdirSync, readFileSync } from "node:fs";
import { findGo } from "../../harness/net/toxiproxy/binary.ts";
import { findProgram } from "../../harness/proc/programs.ts";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Why the real-Kafka tests cannot run here (java, mvn or go missing), or undefined when they can.
 * In CI a missing tool is a broken environment, so there the tests run and fail loudly instead.
 */
export function kafkaToolsMissing(): string | undefined {
  if (process.env.CI) return undefined;
  const missing = [
    ...(findProgram("java") === undefined ? ["java"] : []),
    ...(findProgram("mvn") === undefined ? ["mvn"] : []),
    ...(findGo() === undefined ? ["go"] : []),
  ];
  return missing.length > 0 ? `${missing.join(", ")} not installed (run scripts/setup)` : undefined;
}

/** A test title that says why the test is skipped, when it is. */
export function titled(title: string, skipReason: string | undefined): string {
  return skipReason === undefined ? title : `${title} — skipped: ${skipReason}`;
}

export function quietKafka(brokers: readonly string[], overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({ clientId: "kconform-it", brokers: [...brokers], logLevel: logLevel.NOTHING, ...overrides });
}

export interface ConsumedRecord {
  partition: number;
  offset: bigint;
  key: string;
  value: string;
}

/** Read a topic from the beginning with a fresh group until `count` records arrived (in arrival order). */
export async function consumeRecords(kafka: Kafka, topic: string, count: number, timeoutMs: number): Promise<ConsumedRecord[]> {
  const consumer = kafka.consumer({ groupId: `kconform-it-${topic}-${process.pid}-${Date.now()}` });
  const records: ConsumedRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({ partition, offset: BigInt(message.offset), key: message.key?.toString() ?? "", value: message.value?.toString() ?? "" });
      },
    });
    await until(`${count} records from ${topic}`, timeoutMs, async () => records.length >= count);
    return records;
  } finally {
    await consumer.disconnect();
  }
}

/** Poll `check` until it holds; throws naming `what` once timeoutMs passed. */
export async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError !== undefined ? ` (last error: ${(lastError as Error).message})` : ""}`);
    }
    await sleep(200);
  }
}

/** Leader broker id of each partition, as a fresh admin client sees it (-1 = none). */
export async function partitionLeaders(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map(topics[0].partitions.map((p) => [p.partitionId, p.leader]));
  } finally {
    await admin.disconnect();
  }
}

/** Ids of the brokers registered (and unfenced) as a fresh admin client sees them. */
export async function registeredBrokerIds(kafka: Kafka): Promise<number[]> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).brokers.map((broker) => broker.nodeId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect();
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** True when no process with this pid exists any more. */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Pids of processes whose command line mentions `text` (e.g. a run directory), from /proc. */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}
