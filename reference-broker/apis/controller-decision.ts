// How the admin APIs commit a controller decision that answers per resource (per topic, per
// partition): the decision is run inside the metadata write, so the answer given is the one of the
// run that was committed (a stale proposal is decided again), and validateOnly runs it against the
// current image and commits nothing.
import type { MetadataQuorum } from "../broker/metadata-quorum.ts";
import { ErrorCode, type ErrorName } from "../protocol/errors.ts";
import type { MetadataImage } from "../metadata/image.ts";
import type { MetadataRecord } from "../metadata/records.ts";

export interface Decision<T> {
  records: MetadataRecord[];
  answer: T;
}

/** The write itself failed (no controller within the timeout): every resource is answered with this error. */
export interface WriteFailure {
  error: string;
  message: string;
}

export async function commitDecision<T>(
  quorum: MetadataQuorum,
  validateOnly: boolean,
  decide: (image: MetadataImage) => Decision<T>,
): Promise<{ answer: T } | WriteFailure> {
  if (validateOnly) return { answer: decide(quorum.image).answer };
  let decided: Decision<T> | undefined;
  const plan = await quorum.write((image) => {
    decided = decide(image);
    return { ok: true, records: decided.records };
  });
  if (!plan.ok) return { error: plan.error, message: plan.message };
  if (!decided) throw new Error("the metadata quorum committed without running the decision");
  return { answer: decided.answer };
}

/** The wire code of a controller error name (the metadata layer names errors, the edge numbers them). */
export function errorCodeOf(name: string): number {
  return name in ErrorCode ? ErrorCode[name as ErrorName] : ErrorCode.UNKNOWN_SERVER_ERROR;
}
