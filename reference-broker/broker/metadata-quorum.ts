// What a node needs from the metadata quorum (KRaft's role): the committed metadata image, a way to
// commit the records a controller decision produces, and notice of every committed batch. The single
// node implements it over a local log; issue 4's Raft quorum implements the same interface, so
// handlers and the replica manager never know which one they run on.
import type { Plan } from "../metadata/controller-logic.ts";
import type { MetadataImage } from "../metadata/image.ts";
import type { MetadataRecord } from "../metadata/records.ts";

/**
 * A controller decision: run against the image as it stands after every earlier write, so two
 * concurrent decisions (two CreateTopics of one name) can never both commit.
 */
export type MetadataDecision = (image: MetadataImage) => Plan;

/** Called once per committed batch, after its records were applied to the image. */
export type MetadataListener = (records: readonly MetadataRecord[], image: MetadataImage) => void;

export interface MetadataQuorum {
  /** The committed image; read-only for everyone but the quorum. */
  readonly image: MetadataImage;
  /** Replays the committed log into the image. */
  start(): Promise<void>;
  /**
   * Decides and commits. Resolves with the decision once its records are committed and applied
   * (listeners have run), or at once with a refusal, which commits nothing.
   */
  write(decide: MetadataDecision): Promise<Plan>;
  /** Returns a function that unsubscribes. */
  subscribe(listener: MetadataListener): () => void;
  stop(): Promise<void>;
}
