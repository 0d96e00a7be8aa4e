// The metadata quorum of a single node: it is its own controller, so a decision commits as soon as
// its batch is fsync'd to the local metadata log; the log is replayed into the image on start.
import type { Disk } from "../io/disk.ts";
import type { Plan } from "../metadata/controller-logic.ts";
import { MetadataImage } from "../metadata/image.ts";
import type { Logger } from "../logger.ts";
import { MetadataLogFile } from "./metadata-log.ts";
import { KconformError } from "../../harness/errors.ts";
import { NodeStartError } from "./errors.ts";
import type { MetadataDecision, MetadataListener, MetadataQuorum } from "./metadata-quorum.ts";

/** A write after stop() (or before start()). */
export class QuorumStoppedError extends KconformError {}

export class SingleNodeQuorum implements MetadataQuorum {
  readonly image = new MetadataImage();
  private readonly listeners = new Set<MetadataListener>();
  private log: MetadataLogFile | undefined;

  constructor(
    private readonly disk: Disk,
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const log = MetadataLogFile.open(this.disk, this.dataDir, (validBytes, size) =>
      this.logger.log("warn", "metadata log has a torn tail; truncating it", { validBytes, size }),
    );
    let applied = 0;
    try {
      for (const batch of log.replayed) {
        for (const record of batch) this.image.apply(record);
        applied += 1;
      }
    } catch (error) {
      log.close();
      throw new NodeStartError(`metadata log batch ${applied} in ${this.dataDir} does not apply to the image: ${(error as Error).message}`, "metadata-replay", { dataDir: this.dataDir, batch: applied }, { cause: error });
    }
    this.log = log;
    this.logger.log("info", "metadata log replayed", { batches: applied, records: this.image.appliedRecords });
  }

  async write(decide: MetadataDecision): Promise<Plan> {
    const log = this.log;
    if (!log) throw new QuorumStoppedError("the metadata quorum is not running", "quorum-stopped", { dataDir: this.dataDir });
    const plan = decide(this.image);
    if (!plan.ok || plan.records.length === 0) return plan;
    log.append(plan.records);
    for (const record of plan.records) this.image.apply(record);
    for (const listener of this.listeners) {
      try {
        listener(plan.records, this.image);
      } catch (error) {
        this.logger.log("error", "metadata listener failed", { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    }
    return plan;
  }

  subscribe(listener: MetadataListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.log?.close();
    this.log = undefined;
  }
}
