// Turns a push-style consumer (the library calls us with each fetched batch) into Jepsen's pull
// model: a batch waits, unprocessed, until a poll operation takes it, so every record a poll
// returns was handed over during that poll and the consumer's position moves only then.

export type OfferResult = "taken" | "withdrawn";

interface Offer<T> {
  item: T;
  settle: (result: OfferResult) => void;
}

export class Handoff<T> {
  private offers: Offer<T>[] = [];
  private wake: (() => void) | undefined;

  /** Waits until a take() hands `item` to a poll, or until the offer is withdrawn. */
  offer(item: T): Promise<OfferResult> {
    return new Promise((settle) => {
      this.offers.push({ item, settle });
      this.wake?.();
    });
  }

  /** Whether `item` still waits for a poll. */
  pending(item: T): boolean {
    return this.offers.some((offer) => offer.item === item);
  }

  /** Takes back one offer that no poll took (the batch went stale); no-op when it was taken. */
  withdraw(item: T): void {
    const at = this.offers.findIndex((offer) => offer.item === item);
    if (at < 0) return;
    const [offer] = this.offers.splice(at, 1);
    offer.settle("withdrawn");
  }

  /** Takes back every offer: the consumer is stopping. */
  withdrawAll(): void {
    const offers = this.offers;
    this.offers = [];
    for (const offer of offers) offer.settle("withdrawn");
    this.wake?.();
  }

  /**
   * Everything offered so far, in order; when nothing is, waits up to `timeoutMs` for the first
   * offer. An empty result means the wait ended without one.
   */
  async take(timeoutMs: number): Promise<T[]> {
    if (this.offers.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          if (this.wake === done) this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.wake = done;
      });
    }
    const offers = this.offers;
    this.offers = [];
    for (const offer of offers) offer.settle("taken");
    return offers.map((offer) => offer.item);
  }
}
