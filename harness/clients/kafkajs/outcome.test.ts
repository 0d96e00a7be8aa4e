// Completing failed operations: fail only when kafkajs's error proves the broker changed nothing
// (a refusal before the write, a refused connection, no metadata yet), and only when no earlier
// attempt may have written; everything else is indeterminate.
import { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSMetadataNotLoaded, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSRequestTimeoutError } from "kafkajs";
import { describe, expect, it } from "vitest";
import { describeKafkaJsError, failureOutcome } from "./outcome.ts";

const protocol = (type: string, code: number) => new KafkaJSProtocolError({ message: `broker says ${type}`, type, code, retriable: true } as never);
const retried = (error: Error, retryCount: number) => new KafkaJSNumberOfRetriesExceeded(error, { retryCount, retryTime: 100 } as never);

describe("failureOutcome", () => {
  it("fails operations the broker refused before writing, when nothing was retried", () => {
    expect(failureOutcome(protocol("NOT_LEADER_FOR_PARTITION", 6)).type).toBe("fail");
    expect(failureOutcome(retried(protocol("NOT_ENOUGH_REPLICAS", 19), 0)).type).toBe("fail");
    expect(failureOutcome(protocol("REBALANCE_IN_PROGRESS", 27)).type).toBe("fail");
    expect(failureOutcome(new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9092", { code: "ECONNREFUSED" } as never)).type).toBe("fail");
    expect(failureOutcome(new (KafkaJSMetadataNotLoaded as unknown as new (message: string) => Error)("Producing to topic without metadata")).type).toBe("fail");
  });

  it("leaves indeterminate what may have been written", () => {
    expect(failureOutcome(protocol("NOT_ENOUGH_REPLICAS_AFTER_APPEND", 20)).type).toBe("info");
    expect(failureOutcome(protocol("REQUEST_TIMED_OUT", 7)).type).toBe("info");
    expect(failureOutcome(new KafkaJSRequestTimeoutError("Request Produce timed out")).type).toBe("info");
    expect(failureOutcome(new KafkaJSConnectionError("Connection error: read ECONNRESET")).type).toBe("info");
    expect(failureOutcome(new Error("something odd")).type).toBe("info");
    expect(failureOutcome("not even an error").type).toBe("info");
  });

  it("leaves indeterminate a refusal that came after retries: an earlier attempt may have written", () => {
    expect(failureOutcome(retried(protocol("NOT_LEADER_FOR_PARTITION", 6), 3)).type).toBe("info");
  });

  it("fails an aggregate only when every broker refused", () => {
    const refusals = new KafkaJSAggregateError("several brokers failed", [protocol("NOT_LEADER_FOR_PARTITION", 6), protocol("UNKNOWN_TOPIC_OR_PARTITION", 3)]);
    expect(failureOutcome(refusals).type).toBe("fail");
    const mixed = new KafkaJSAggregateError("several brokers failed", [protocol("NOT_LEADER_FOR_PARTITION", 6), new KafkaJSRequestTimeoutError("timed out")]);
    expect(failureOutcome(mixed).type).toBe("info");
  });

  it("names Kafka's error behind kafkajs's wrappers", () => {
    const text = describeKafkaJsError(retried(protocol("NOT_LEADER_FOR_PARTITION", 6), 0));
    expect(text).toContain("KafkaJSNumberOfRetriesExceeded");
    expect(text).toContain("NOT_LEADER_FOR_PARTITION: broker says NOT_LEADER_FOR_PARTITION");
  });
});
