// Strongly connected components and a shortest cycle through one, over a directed graph in
// compressed sparse row form. Tarjan's algorithm with an explicit stack: histories with
// millions of operations make recursion depth a real limit.

/** The edges of node n are positions start[n] .. start[n+1]-1 of `target` and `edge`. */
export interface Graph {
  start: Int32Array;
  target: Int32Array;
  /** Caller's id of the edge at each position. */
  edge: Int32Array;
}

/** Edge ends as graphOf reads them: an array, or a column of numbers. */
export interface NodeList {
  at(index: number): number | undefined;
}

/** Builds a graph of `nodes` nodes from the first `edges` entries of parallel edge lists; edge ids are positions in them. */
export function graphOf(nodes: number, from: NodeList, to: NodeList, edges: number): Graph {
  const start = new Int32Array(nodes + 1);
  for (let e = 0; e < edges; e++) start[(from.at(e) as number) + 1]++;
  for (let n = 0; n < nodes; n++) start[n + 1] += start[n];
  const fill = start.slice(0, nodes);
  const target = new Int32Array(edges);
  const edge = new Int32Array(edges);
  for (let e = 0; e < edges; e++) {
    const position = fill[from.at(e) as number]++;
    target[position] = to.at(e) as number;
    edge[position] = e;
  }
  return { start, target, edge };
}

/** Components of more than one node (the graphs here have no self-loops). */
export function stronglyConnectedComponents(graph: Graph): number[][] {
  const { start, target } = graph;
  const nodes = start.length - 1;
  const order = new Int32Array(nodes).fill(-1);
  const low = new Int32Array(nodes);
  const onStack = new Uint8Array(nodes);
  const stack = new Int32Array(nodes);
  const callNode = new Int32Array(nodes);
  const callEdge = new Int32Array(nodes);
  const components: number[][] = [];
  let counter = 0;
  let sp = 0;
  let csp = 0;
  const visit = (node: number): void => {
    order[node] = low[node] = counter++;
    stack[sp++] = node;
    onStack[node] = 1;
    callNode[csp] = node;
    callEdge[csp] = start[node];
    csp++;
  };
  for (let root = 0; root < nodes; root++) {
    if (order[root] !== -1 || start[root] === start[root + 1]) continue;
    visit(root);
    while (csp > 0) {
      const node = callNode[csp - 1];
      const e = callEdge[csp - 1];
      if (e < start[node + 1]) {
        callEdge[csp - 1]++;
        const next = target[e];
        if (order[next] === -1) visit(next);
        else if (onStack[next] && order[next] < low[node]) low[node] = order[next];
        continue;
      }
      if (low[node] === order[node]) {
        if (stack[sp - 1] === node) {
          // A component of one node, as almost all are: no list for it.
          onStack[node] = 0;
          sp--;
        } else {
          const component: number[] = [];
          let member: number;
          do {
            member = stack[--sp];
            onStack[member] = 0;
            component.push(member);
          } while (member !== node);
          components.push(component);
        }
      }
      csp--;
      if (csp > 0) {
        const caller = callNode[csp - 1];
        if (low[node] < low[caller]) low[caller] = low[node];
      }
    }
  }
  return components;
}

/**
 * A shortest cycle through the component's lowest node, staying inside the component, as edge
 * ids in order. Breadth-first, so the evidence is as small as the graph allows from that node.
 */
export function shortestCycle(graph: Graph, component: readonly number[]): number[] {
  const { start, target, edge } = graph;
  const members = new Set(component);
  const origin = Math.min(...component);
  const viaEdge = new Map<number, number>();
  const cameFrom = new Map<number, number>();
  const queue = [origin];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (let p = start[node]; p < start[node + 1]; p++) {
      const next = target[p];
      if (!members.has(next)) continue;
      if (next === origin) {
        const cycle = [edge[p]];
        for (let at = node; at !== origin; at = cameFrom.get(at)!) cycle.push(viaEdge.get(at)!);
        return cycle.reverse();
      }
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      viaEdge.set(next, edge[p]);
      queue.push(next);
    }
  }
  return [];
}
