// Producer id blocks on a single node: the next free id is kept in the data directory and replaced
// atomically before a block is handed out, so no id is given twice across restarts. In a cluster
// (issue 4) the controller reserves blocks in the metadata log instead.
import { readWholeFile, writeFileAtomically, type Disk } from "../io/disk.ts";
import { ProducerIdBlockAllocator, type ProducerIdBlock, type ProducerIdBlockSource } from "../producers/producer-ids.ts";
import { NodeStartError } from "./errors.ts";

const FILE = "producer-id-block";

export class LocalProducerIdBlocks implements ProducerIdBlockSource {
  private readonly allocator: ProducerIdBlockAllocator;

  constructor(
    private readonly disk: Disk,
    private readonly dataDir: string,
  ) {
    const text = readWholeFile(disk, `${dataDir}/${FILE}`)?.toString("utf8");
    const match = text === undefined ? undefined : /^nextProducerId=(\d+)\n$/.exec(text);
    if (text !== undefined && !match) throw new NodeStartError(`${dataDir}/${FILE} is malformed`, "bad-producer-id-block", { dataDir });
    this.allocator = new ProducerIdBlockAllocator(match ? Number(match[1]) : 0);
  }

  async allocateBlock(): Promise<ProducerIdBlock> {
    const { block, nextProducerId } = this.allocator.allocate();
    writeFileAtomically(this.disk, this.dataDir, FILE, Buffer.from(`nextProducerId=${nextProducerId}\n`));
    return block;
  }
}
