// The metadata log's framing: every committed batch comes back in order, and a tail cut or damaged
// anywhere loses exactly the batches it touches, never an earlier one, and never decodes garbage.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MemoryDisk } from "../io/memory-disk.ts";
import type { MetadataRecord } from "../metadata/records.ts";
import { decodeMetadataFrames, encodeMetadataFrame, MetadataLogFile } from "./metadata-log.ts";

const record = fc.oneof(
  fc.record({ type: fc.constant("topic" as const), name: fc.string({ minLength: 1, maxLength: 12 }), topicId: fc.string({ minLength: 22, maxLength: 22 }) }),
  fc.record({ type: fc.constant("unfence-broker" as const), brokerId: fc.nat(10) }),
);
const batches = fc.array(fc.array(record, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }) as fc.Arbitrary<MetadataRecord[][]>;

describe("metadata log frames", () => {
  it("decode what was encoded, and a cut tail keeps exactly the whole frames before it", () => {
    fc.assert(
      fc.property(batches, fc.nat(), (written, cutSeed) => {
        const frames = written.map(encodeMetadataFrame);
        const bytes = Buffer.concat(frames);
        expect(decodeMetadataFrames(bytes)).toEqual({ batches: written, validBytes: bytes.length });
        const cut = cutSeed % (bytes.length + 1);
        let whole = 0;
        let end = 0;
        for (const frame of frames) {
          if (end + frame.length > cut) break;
          end += frame.length;
          whole++;
        }
        expect(decodeMetadataFrames(bytes.subarray(0, cut))).toEqual({ batches: written.slice(0, whole), validBytes: end });
      }),
      { numRuns: 100 },
    );
  });

  it("stops at a frame whose bytes were damaged", () => {
    const first = encodeMetadataFrame([{ type: "unfence-broker", brokerId: 1 }]);
    const second = encodeMetadataFrame([{ type: "fence-broker", brokerId: 1 }]);
    second[second.length - 2] ^= 0x40;
    const decoded = decodeMetadataFrames(Buffer.concat([first, second]));
    expect(decoded).toEqual({ batches: [[{ type: "unfence-broker", brokerId: 1 }]], validBytes: first.length });
  });

  it("truncates a torn tail on open, so the next batch follows the last good one", () => {
    const disk = new MemoryDisk();
    const log = MetadataLogFile.open(disk, "/data", () => {});
    log.append([{ type: "unfence-broker", brokerId: 1 }]);
    log.close();
    const file = disk.open("/data/__cluster_metadata-0/metadata.log");
    file.append(encodeMetadataFrame([{ type: "fence-broker", brokerId: 1 }]).subarray(0, 9));
    file.close();
    const truncations: number[][] = [];
    const reopened = MetadataLogFile.open(disk, "/data", (validBytes, size) => truncations.push([validBytes, size]));
    expect(reopened.replayed).toEqual([[{ type: "unfence-broker", brokerId: 1 }]]);
    expect(truncations).toHaveLength(1);
    reopened.append([{ type: "fence-broker", brokerId: 2 }]);
    reopened.close();
    expect(MetadataLogFile.open(disk, "/data", () => {}).replayed).toEqual([[{ type: "unfence-broker", brokerId: 1 }], [{ type: "fence-broker", brokerId: 2 }]]);
  });
});
