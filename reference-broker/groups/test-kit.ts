// Test doubles for the group coordinator tests: a clock moved by hand, an offsets-topic store that
// keeps the encoded records (so replay also exercises the codec) and can fail or hold appends, and
// helpers to watch parked replies settle.
import { GroupCoordinator, type GroupCoordinatorOptions } from "./coordinator.ts";
import type { GroupCoordinatorConfig } from "./config.ts";
import type { GroupRequestContext } from "./messages.ts";
import { decodeGroupRecord, encodeGroupRecord, type GroupRecord, type GroupRecordStore } from "./records.ts";

export class ManualClock {
  constructor(public nowMs = 1_000_000) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export class MemoryGroupStore implements GroupRecordStore {
  private readonly log: { key: Uint8Array; value: Uint8Array | null }[] = [];
  private readonly failures: number[] = [];
  private held: (() => void)[] | undefined;

  append(records: readonly GroupRecord[]): Promise<void> {
    const failure = this.failures.shift();
    if (failure !== undefined) return Promise.reject(Object.assign(new Error(`append failed with ${failure}`), { errorCode: failure }));
    const write = () => {
      for (const record of records) this.log.push(encodeGroupRecord(record));
    };
    if (!this.held) {
      write();
      return Promise.resolve();
    }
    const held = this.held;
    return new Promise((resolve) => held.push(() => (write(), resolve())));
  }

  /** The next append fails with this Kafka error code. */
  failNextAppend(errorCode: number): void {
    this.failures.push(errorCode);
  }

  /** Appends wait until release(). */
  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const complete of held) complete();
  }

  /** The records as a new coordinator would read them back from the log. */
  replay(): GroupRecord[] {
    return this.log.map(({ key, value }) => decodeGroupRecord(key, value));
  }
}

export const TEST_CONFIG: Partial<GroupCoordinatorConfig> = {
  groupMinSessionTimeoutMs: 1_000,
  groupInitialRebalanceDelayMs: 0,
};

export interface Harness {
  clock: ManualClock;
  store: MemoryGroupStore;
  coordinator: GroupCoordinator;
}

export function startCoordinator(config: Partial<GroupCoordinatorConfig> = {}, options: Partial<GroupCoordinatorOptions> = {}): Harness {
  const clock = new ManualClock();
  const store = new MemoryGroupStore();
  let uuid = 0;
  const coordinator = GroupCoordinator.load(
    { config: { ...TEST_CONFIG, ...config }, clock: clock.now, store, newUuid: () => `uuid${++uuid}`, ...options },
    [],
  );
  return { clock, store, coordinator };
}

export function context(apiVersion: number, clientId = "client"): GroupRequestContext {
  return { apiVersion, clientId, clientHost: "/127.0.0.1" };
}

/** Lets settled promises run their continuations. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Tracked<T> {
  readonly settled: boolean;
  readonly value: T;
}

/** Watches a parked reply: `settled` turns true once it resolves. */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const state: { settled: boolean; value?: T } = { settled: false };
  promise.then((value) => {
    state.settled = true;
    state.value = value;
  });
  return {
    get settled() {
      return state.settled;
    },
    get value() {
      if (!state.settled) throw new Error("the reply is still parked");
      return state.value as T;
    },
  };
}

export const bytes = (text: string): Buffer => Buffer.from(text);
export const text = (value: Uint8Array): string => Buffer.from(value).toString();

/** A "consumer" protocol subscription (v0 layout) to the given topics. */
export function consumerSubscription(topics: readonly string[]): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)];
  for (const topic of topics) {
    const name = Buffer.from(topic);
    parts.push(Buffer.from([name.length >> 8, name.length & 0xff]), name);
  }
  parts.push(int32(-1));
  return Buffer.concat(parts);
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}
