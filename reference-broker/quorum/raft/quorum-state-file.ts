// The election state a voter must never forget (Kafka's `quorum-state` file): the current epoch,
// whom it voted for in it, and the leader it knows. Replaced atomically and fsync'd before the vote
// or the new epoch is acted on, so a restarted voter can never vote twice in one epoch.
import { KconformError } from "../../../harness/errors.ts";
import { readWholeFile, writeFileAtomically, type Disk } from "../../io/disk.ts";

const FILE = "quorum-state";

export interface ElectionState {
  epoch: number;
  votedId?: number;
  leaderId?: number;
}

export interface ElectionStateStore {
  read(): ElectionState;
  write(state: ElectionState): void;
}

/** The file exists but cannot be read: the node must not start and risk voting twice. */
export class QuorumStateError extends KconformError {}

export class QuorumStateFile implements ElectionStateStore {
  constructor(
    private readonly disk: Disk,
    private readonly dir: string,
  ) {
    disk.mkdirs(dir);
  }

  read(): ElectionState {
    const path = `${this.dir}/${FILE}`;
    const bytes = readWholeFile(this.disk, path);
    if (bytes === undefined) return { epoch: 0 };
    let parsed: { leaderEpoch?: unknown; votedId?: unknown; leaderId?: unknown };
    try {
      parsed = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      throw new QuorumStateError(`${path} is not JSON; refusing to start without the vote it records`, "quorum-state-unreadable", { path }, { cause: error });
    }
    const id = (value: unknown) => (Number.isInteger(value) && (value as number) >= 0 ? (value as number) : undefined);
    if (!Number.isInteger(parsed.leaderEpoch) || (parsed.leaderEpoch as number) < 0) {
      throw new QuorumStateError(`${path} has no valid leaderEpoch`, "quorum-state-unreadable", { path });
    }
    const state: ElectionState = { epoch: parsed.leaderEpoch as number };
    const votedId = id(parsed.votedId);
    const leaderId = id(parsed.leaderId);
    if (votedId !== undefined) state.votedId = votedId;
    if (leaderId !== undefined) state.leaderId = leaderId;
    return state;
  }

  write(state: ElectionState): void {
    const json = { leaderId: state.leaderId ?? -1, leaderEpoch: state.epoch, votedId: state.votedId ?? -1, data_version: 0 };
    writeFileAtomically(this.disk, this.dir, FILE, Buffer.from(JSON.stringify(json)));
  }
}
