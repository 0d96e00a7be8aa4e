// What Kafka's documentation predicts for each cell of the guarantee matrix — producer acks ×
// min.insync.replicas × unclean leader election × fault — as "no-loss" or "loss-possible", with
// the one sentence that says why. Pure: the matrix scenarios and the report both read it.
import type { MatrixCellKey, MatrixPrediction } from "../../harness/run/result.ts";

export const MATRIX_ACKS: readonly MatrixCellKey["acks"][] = ["0", "1", "all"];
export const MATRIX_MIN_ISR: readonly number[] = [1, 2];
export const MATRIX_UNCLEAN: readonly boolean[] = [false, true];
export const MATRIX_FAULTS: readonly MatrixCellKey["fault"][] = ["none", "leader-kill", "leader-isolation", "follower-pause", "n-1-loss"];

/**
 * Every cell, 3 × 2 × 2 × 5, in the order `kconform run --matrix` runs them: fault by fault, so
 * the disk wipes of n-1-loss come last and cannot disturb the cells before them.
 */
export function matrixKeys(): MatrixCellKey[] {
  return MATRIX_FAULTS.flatMap((fault) =>
    MATRIX_ACKS.flatMap((acks) => MATRIX_MIN_ISR.flatMap((minInsyncReplicas) => MATRIX_UNCLEAN.map((uncleanElection) => ({ acks, minInsyncReplicas, uncleanElection, fault })))),
  );
}

const lossPossible = (reason: string) => ({ predicted: "loss-possible" as const, reason });
const noLoss = (reason: string) => ({ predicted: "no-loss" as const, reason });

/** acks=all: acknowledged once every in-sync replica has the record (min.insync.replicas bounds how few that may be). */
function acksAll(key: MatrixCellKey): Pick<MatrixPrediction, "predicted" | "reason"> {
  switch (key.fault) {
    case "leader-kill":
      if (key.minInsyncReplicas >= 2) return noLoss("acks=all with min.insync.replicas=2 puts every acknowledged record on at least two in-sync replicas, so one outlives the leader and is elected in its place.");
      if (!key.uncleanElection) {
        return noLoss("min.insync.replicas=1 lets a leader whose ISR shrank to itself acknowledge alone, but with unclean election off only an ISR member may lead: the partition waits offline for that leader, which restarts with its log (SIGKILL loses nothing written).");
      }
      return lossPossible("min.insync.replicas=1 lets a leader whose ISR shrank to itself acknowledge alone; when it dies, unclean election hands the partition to a replica that never had those records.");
    case "leader-isolation":
      return noLoss("an isolated leader cannot shrink its ISR without the controller, so acks=all waits for followers it cannot reach and acknowledges nothing they lack; a follower from the ISR takes over.");
    case "n-1-loss":
      if (key.uncleanElection) {
        return lossPossible(`min.insync.replicas=${key.minInsyncReplicas} lets acks=all succeed without the third replica once it has fallen out of the ISR; if that replica is the one that survives, unclean election makes it leader without those records.`);
      }
      return noLoss("for replication factor N, N-1 brokers can be lost permanently without losing data: acks=all puts every acknowledged record on every in-sync replica, and with unclean election off only an in-sync replica may lead.");
    case "follower-pause":
      return noLoss("the leader keeps running and keeps what it acknowledged; paused followers drop out of the ISR (writes below min.insync.replicas are refused, not lost) and catch up.");
    case "none":
      return noLoss("no broker fails, so every acknowledged record stays in the leader's log and its followers'.");
  }
}

/** acks=0 and acks=1: the leader alone decides, before any follower has the record. */
function leaderOnly(key: MatrixCellKey): Pick<MatrixPrediction, "predicted" | "reason"> {
  const acked = key.acks === "0" ? "acks=0 waits for no acknowledgement at all" : "acks=1 is acknowledged by the leader alone";
  switch (key.fault) {
    case "leader-kill":
      return lossPossible(`${acked}, so records the leader had not yet passed to its followers are gone when it dies and a follower (still in the ISR) is elected.`);
    case "leader-isolation":
      return lossPossible(`${acked}, so records an isolated leader still accepts are discarded when it learns of the new leader on the majority side and truncates its log.`);
    case "n-1-loss":
      return lossPossible(`${acked}, so records the leader had not yet passed to its followers are gone when it and a follower lose their disks and the survivor lacks them.`);
    case "follower-pause":
      return noLoss("the leader keeps running and keeps every record it appended; the paused followers only fall behind and catch up.");
    case "none":
      return noLoss("no broker fails, so every record the leader appended stays in its log.");
  }
}

export function predictCell(key: MatrixCellKey): MatrixPrediction {
  return { ...key, ...(key.acks === "all" ? acksAll(key) : leaderOnly(key)) };
}
