// kcat (librdkafka) as a client family: metadata (-L), producing from stdin with keys and codecs (-P),
// reading partitions to their end (-C -e) and balanced group members (-G), with typed results.
import { KconformError } from "../errors.ts";
import { requireProgram } from "../proc/programs.ts";
import { parseKcatMetadata, parseKcatRebalance, parseKcatRecord, parseKcatRecords, type KcatMetadata, type KcatRebalance, type KcatRecord, type TopicPartitionRef } from "./kcat-output.ts";
import { runTool, ToolProcess, type ToolResult } from "./tool-process.ts";

export type KcatCompression = "none" | "gzip" | "snappy" | "lz4" | "zstd";

export interface KcatOptions {
  bootstrap: string;
  env?: NodeJS.ProcessEnv;
  /** librdkafka settings (-X) for every command. */
  config?: Readonly<Record<string, string>>;
  /** Default bound on one run (default 60 s). */
  timeoutMs?: number;
}

export interface KcatProduceRecord {
  /** Absent: a record without a key. */
  key?: string;
  value: string;
}

export interface KcatProduceOptions {
  partition?: number;
  compression?: KcatCompression;
  /** librdkafka producer settings, e.g. { "enable.idempotence": "true", partitioner: "murmur2_random" }. */
  config?: Readonly<Record<string, string>>;
}

export interface KcatConsumeOptions {
  partition?: number;
  /** -o: "beginning", "end", or an absolute offset. Default "beginning". */
  offset?: "beginning" | "end" | number;
  config?: Readonly<Record<string, string>>;
}

// Keys and values are separated by a tab and records by a newline; neither may occur inside them.
const KEY_DELIMITER = "\t";
const DELIMITERS = /[\t\n]/;
/** Metadata requests wait this long (-m) before kcat gives up on the cluster. */
const METADATA_TIMEOUT_S = "10";
const DEFAULT_TIMEOUT_MS = 60_000;
const settings = (config: Readonly<Record<string, string>> | undefined) => Object.entries(config ?? {}).flatMap(([key, value]) => ["-X", `${key}=${value}`]);

export class Kcat {
  private constructor(
    private readonly options: KcatOptions,
    private readonly program: string,
  ) {}

  static create(options: KcatOptions): Kcat {
    const program = requireProgram({ name: "kcat", purpose: "to run the librdkafka client family", install: "apt-get install kcat" }, options.env);
    return new Kcat(options, program);
  }

  get bootstrap(): string {
    return this.options.bootstrap;
  }

  private spec(args: readonly string[]) {
    return { tool: "kcat", file: this.program, args: ["-b", this.bootstrap, "-m", METADATA_TIMEOUT_S, ...settings(this.options.config), ...args], env: this.options.env ?? process.env };
  }

  run(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ToolResult> {
    return runTool(this.spec(args), { timeoutMs: options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(options.input !== undefined ? { input: options.input } : {}) });
  }

  /** -L -J, for every topic or one. */
  async metadata(topic?: string): Promise<KcatMetadata> {
    const { stdout } = await this.run(["-L", "-J", ...(topic !== undefined ? ["-t", topic] : [])]);
    return parseKcatMetadata(stdout);
  }

  /** -P: every record, in order, from stdin; kcat exits non-zero when any delivery failed. */
  async produce(topic: string, records: readonly KcatProduceRecord[], options: KcatProduceOptions = {}): Promise<void> {
    for (const record of records) {
      if (DELIMITERS.test(record.value) || (record.key !== undefined && DELIMITERS.test(record.key))) {
        throw new KconformError(`kcat records are tab- and newline-delimited; this record contains one: ${JSON.stringify(record)}`, "kcat-delimiter-in-record", { topic, record });
      }
    }
    // kcat reads a line without the key delimiter as a value with no key.
    const input = records.map((r) => `${r.key !== undefined ? `${r.key}${KEY_DELIMITER}` : ""}${r.value}\n`).join("");
    await this.run(
      [
        "-P",
        "-t",
        topic,
        "-K",
        KEY_DELIMITER,
        ...(options.partition !== undefined ? ["-p", String(options.partition)] : []),
        ...(options.compression !== undefined ? ["-z", options.compression] : []),
        ...settings(options.config),
      ],
      { input },
    );
  }

  /** -C -e -J: every record from the offset to the end of each partition read (all of them by default). */
  async consume(topic: string, options: KcatConsumeOptions = {}): Promise<KcatRecord[]> {
    const { stdout } = await this.run([
      "-C",
      "-J",
      "-e",
      "-t",
      topic,
      "-o",
      String(options.offset ?? "beginning"),
      ...(options.partition !== undefined ? ["-p", String(options.partition)] : []),
      ...settings(options.config),
    ]);
    return parseKcatRecords(stdout);
  }

  /**
   * A balanced consumer (-G) that runs until stop(); it starts from the earliest offset when its group
   * has none committed. Unbuffered (-u), so records are seen as they arrive, not when a pipe buffer fills.
   */
  async startGroupMember(group: string, topics: readonly string[], config: Readonly<Record<string, string>> = {}): Promise<KcatGroupMember> {
    const tool = await ToolProcess.start(this.spec(["-G", group, "-J", "-u", ...settings({ "auto.offset.reset": "earliest", ...config }), ...topics]));
    return new KcatGroupMember(tool);
  }
}

/** One running `kcat -G` member: what it consumed and what the group assigned it, as they happen. */
export class KcatGroupMember {
  readonly records: KcatRecord[] = [];
  readonly rebalances: KcatRebalance[] = [];
  /** stdout lines that were not a JSON record (there should be none). */
  readonly unreadable: string[] = [];

  constructor(private readonly tool: ToolProcess) {
    tool.onStdoutLine((line) => {
      if (line.trim().length === 0) return;
      try {
        this.records.push(parseKcatRecord(line));
      } catch {
        this.unreadable.push(line);
      }
    });
    tool.onStderrLine((line) => {
      const rebalance = parseKcatRebalance(line);
      if (rebalance !== undefined) this.rebalances.push(rebalance);
    });
  }

  get pid(): number {
    return this.tool.pid;
  }

  /** The partitions of the latest assignment, or [] before the first and after a revocation. */
  assignment(): TopicPartitionRef[] {
    const last = this.rebalances.at(-1);
    return last?.kind === "assigned" ? last.partitions : [];
  }

  /** SIGTERM: kcat leaves the group and commits its offsets on the way out. */
  stop(): Promise<ToolResult> {
    return this.tool.terminate();
  }
}
