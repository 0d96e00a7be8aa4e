// Producer sequence numbers are int32 and wrap from Int32.MAX to 0, as in Kafka's
// DefaultRecordBatch; these helpers keep that arithmetic in one place.

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;

const INT32_MAX = 0x7fffffff;

/** sequence + increment, wrapping past Int32.MAX to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}

/** Whether `next` directly follows `last`, across the wrap. */
export function isNextSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === INT32_MAX);
}
