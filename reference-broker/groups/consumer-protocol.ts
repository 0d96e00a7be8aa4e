// Reads the topics out of a "consumer" protocol subscription, the one thing the coordinator needs
// from it (OffsetDelete refuses topics a group still consumes). Like Kafka, only the v0 prefix
// (version, topics) is parsed, which every later subscription version starts with.
import { ByteFormatError, ByteReader } from "./bytes.ts";

export const CONSUMER_PROTOCOL_TYPE = "consumer";

/** The subscribed topics, or undefined when the metadata is not a consumer subscription. */
export function subscribedTopicsOf(metadata: Uint8Array): string[] | undefined {
  try {
    const reader = new ByteReader(metadata, "ConsumerProtocolSubscription");
    const version = reader.int16();
    if (version < 0) return undefined;
    return reader.array(() => reader.string());
  } catch (error) {
    if (error instanceof ByteFormatError) return undefined;
    throw error;
  }
}
