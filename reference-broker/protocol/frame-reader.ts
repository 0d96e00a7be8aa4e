// Splits a TCP byte stream into Kafka's size-prefixed frames, whatever the chunking, refusing a
// negative size or one above the maximum before buffering any of it (socket.request.max.bytes).
import { ProtocolDecodeError } from "./codec-errors.ts";

/** Kafka's default socket.request.max.bytes: 100 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;

export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being collected, or -1 while its 4-byte prefix is still incomplete. */
  private frameSize = -1;
  /** Bytes of the stream consumed so far, for the offset of a size error. */
  private streamOffset = 0;

  constructor(readonly maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  /**
   * Adds bytes from the stream and returns the frames they complete, in order, without their size
   * prefix. A frame that lies within one chunk is a view of it; the connection must not reuse chunks.
   * Throws ProtocolDecodeError (reason "frame-size"); the stream cannot be read after that.
   */
  push(chunk: Buffer): Buffer[] {
    const frames: Buffer[] = [];
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) break;
        const sizeOffset = this.streamOffset;
        const size = this.take(4).readInt32BE(0);
        if (size < 0 || size > this.maxFrameBytes) {
          throw new ProtocolDecodeError({
            reason: "frame-size",
            offset: sizeOffset,
            detail: size < 0 ? `negative size ${size}` : `size ${size} above the maximum of ${this.maxFrameBytes}`,
          });
        }
        this.frameSize = size;
      }
      if (this.buffered < this.frameSize) break;
      frames.push(this.take(this.frameSize));
      this.frameSize = -1;
    }
    return frames;
  }

  /** Bytes received that belong to a frame not yet complete. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    this.buffered -= n;
    this.streamOffset += n;
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const head = this.chunks[0];
      const used = Math.min(head.length, n - filled);
      head.copy(out, filled, 0, used);
      filled += used;
      if (used === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(used);
    }
    return out;
  }
}
