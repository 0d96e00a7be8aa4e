// What the nemesis knows about a cluster when it aims a fault: which nodes exist, who leads each
// partition of the workload topic, who follows, and which node is the active controller.

export interface ClusterView {
  /** Node ids that serve clients. */
  brokers: number[];
  /** Every node id the harness may act on (brokers and dedicated controllers). */
  nodes: number[];
  /** Partition index of the workload topic to its leader (-1: none). */
  leaders: Record<number, number>;
  replicas: Record<number, number[]>;
  isr: Record<number, number[]>;
  /** The leader of the KRaft metadata quorum, when known. */
  controller?: number;
}
