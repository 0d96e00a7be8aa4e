// Which directories are partitions, and the identity files that tell a data directory's and a
// partition directory's owner.
import { describe, expect, it } from "vitest";
import { MemoryDisk } from "../io/memory-disk.ts";
import { NodeStartError } from "./errors.ts";
import { loadOrCreateMetaProperties, parseMetaProperties } from "./meta-properties.ts";
import { parsePartitionDirName, readPartitionTopicId, writePartitionTopicId } from "./partition-dirs.ts";

describe("partition directories", () => {
  it("parse Kafka's topic-partition names, not the metadata log's or other files", () => {
    expect(parsePartitionDirName("orders-3")).toEqual({ topic: "orders", partition: 3 });
    expect(parsePartitionDirName("my-topic-0")).toEqual({ topic: "my-topic", partition: 0 });
    expect(parsePartitionDirName("__cluster_metadata-0")).toBeUndefined();
    expect(parsePartitionDirName("meta.properties")).toBeUndefined();
    expect(parsePartitionDirName("bad name-1")).toBeUndefined();
  });

  it("record the topic id in partition.metadata", () => {
    const disk = new MemoryDisk();
    disk.mkdirs("/data/orders-0");
    expect(readPartitionTopicId(disk, "/data/orders-0")).toBeUndefined();
    writePartitionTopicId(disk, "/data/orders-0", "AAAAAAAAAAAAAAAAAAAAAQ");
    expect(readPartitionTopicId(disk, "/data/orders-0")).toBe("AAAAAAAAAAAAAAAAAAAAAQ");
  });
});

describe("meta.properties", () => {
  it("is written once and then holds the node to its identity", () => {
    const disk = new MemoryDisk();
    const meta = loadOrCreateMetaProperties(disk, "/data", 1);
    expect(loadOrCreateMetaProperties(disk, "/data", 1)).toEqual(meta);
    expect(loadOrCreateMetaProperties(disk, "/data", 1, meta.clusterId)).toEqual(meta);
    expect(() => loadOrCreateMetaProperties(disk, "/data", 2)).toThrow(NodeStartError);
    expect(() => loadOrCreateMetaProperties(disk, "/data", 1, "AAAAAAAAAAAAAAAAAAAAAQ")).toThrow(/belongs to cluster/);
  });

  it("refuses a file without cluster or node id", () => {
    expect(parseMetaProperties("version=1\nnode.id=1\n")).toBeUndefined();
    expect(parseMetaProperties("#c\nversion=1\ncluster.id=x\nnode.id=4\n")).toEqual({ clusterId: "x", nodeId: 4 });
  });
});
