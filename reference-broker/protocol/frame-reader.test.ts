// The frame splitter against every way TCP may cut a stream, and against hostile size prefixes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProtocolDecodeError } from "./codec-errors.ts";
import { DEFAULT_MAX_FRAME_BYTES, FrameReader } from "./frame-reader.ts";

function sizePrefixed(payload: Uint8Array): Buffer {
  const frame = Buffer.alloc(4 + payload.length);
  frame.writeInt32BE(payload.length, 0);
  frame.set(payload, 4);
  return frame;
}

/** Cuts `stream` at the given (unsorted, possibly repeated) offsets. */
function cut(stream: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (stream.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const to of [...points, stream.length]) {
    chunks.push(stream.subarray(from, to));
    from = to;
  }
  return chunks;
}

describe("FrameReader", () => {
  it("returns the same frames however the stream is chunked", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (payloads, offsets) => {
          const stream = Buffer.concat(payloads.map(sizePrefixed));
          const reader = new FrameReader();
          const frames = cut(stream, offsets).flatMap((chunk) => reader.push(chunk));
          expect(frames.map((f) => [...f])).toEqual(payloads.map((p) => [...p]));
          expect(reader.pendingBytes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("hands out a frame inside one chunk as a view of it, not a copy", () => {
    const chunk = Buffer.concat([sizePrefixed(Buffer.from("abc")), sizePrefixed(Buffer.alloc(0))]);
    const [first, empty] = new FrameReader().push(chunk);
    expect(first.buffer).toBe(chunk.buffer);
    expect(first.toString()).toBe("abc");
    expect(empty.length).toBe(0);
  });

  it("keeps a partial frame until the rest arrives", () => {
    const reader = new FrameReader();
    expect(reader.push(Buffer.from([0, 0, 0, 3, 1]))).toEqual([]);
    expect(reader.pendingBytes).toBe(1);
    expect(reader.push(Buffer.from([2, 3, 0, 0]))).toEqual([Buffer.from([1, 2, 3])]);
    expect(reader.pendingBytes).toBe(2);
  });

  it.each([
    ["a negative size", [0xff, 0xff, 0xff, 0xfe], /negative size -2/],
    ["a size above the maximum", [0, 0, 0x10, 0x01], /size 4097 above the maximum of 4096/],
  ])("refuses %s before buffering the frame", (_, prefix, message) => {
    const reader = new FrameReader(4096);
    reader.push(sizePrefixed(Buffer.from("ok")));
    let error: unknown;
    try {
      reader.push(Buffer.from(prefix));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProtocolDecodeError);
    expect(error).toMatchObject({ reason: "frame-size", offset: 6 });
    expect((error as Error).message).toMatch(message);
  });

  it("defaults to Kafka's socket.request.max.bytes of 100 MiB", () => {
    expect(new FrameReader().maxFrameBytes).toBe(DEFAULT_MAX_FRAME_BYTES);
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(104857600);
    expect(new FrameReader().push(Buffer.from([0x06, 0x40, 0x00, 0x00]))).toEqual([]);
    expect(() => new FrameReader().push(Buffer.from([0x06, 0x40, 0x00, 0x01]))).toThrow(ProtocolDecodeError);
  });
});
