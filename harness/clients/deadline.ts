// Bounds a client request in time: an operation still running at its deadline completes as
// indeterminate, and whatever the library does with the request afterwards is ignored.

export type Settled<T> = { outcome: "resolved"; value: T } | { outcome: "rejected"; error: unknown } | { outcome: "timeout"; afterMs: number };

export async function settleWithin<T>(work: Promise<T>, timeoutMs: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: "timeout", afterMs: timeoutMs }), timeoutMs);
  });
  const settled = work.then(
    (value): Settled<T> => ({ outcome: "resolved", value }),
    (error: unknown): Settled<T> => ({ outcome: "rejected", error }),
  );
  try {
    return await Promise.race([settled, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
