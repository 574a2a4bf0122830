import ELK from 'elkjs/lib/elk-api.js';
// ELK is 1.5 MB of compiled Java: it loads and lays out in a worker, off the main thread.
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { FlowGraph } from '../api/types';

export const NODE_SIZE = {
  dataset: { width: 190, height: 54 },
  recipe: { width: 150, height: 38 },
};

let elk: InstanceType<typeof ELK> | null = null;
const getElk = () => (elk ??= new ELK({ workerUrl: elkWorkerUrl }));

/** Left-to-right layered layout of the flow (ELK), as top-left positions per node id. */
export async function layoutFlow(graph: FlowGraph): Promise<Map<string, { x: number; y: number }>> {
  const laid = await getElk().layout({
    id: 'flow',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '28',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
    },
    children: graph.nodes.map((n) => ({ id: n.id, ...NODE_SIZE[n.kind] })),
    edges: graph.edges.map((e, i) => ({ id: `e${i}`, sources: [e.from], targets: [e.to] })),
  });
  return new Map((laid.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
}

/**
 * An instant provisional layout while ELK loads: each node in the column of its longest
 * path from a source, stacked in order of appearance.
 */
export function quickLayout(graph: FlowGraph): Map<string, { x: number; y: number }> {
  const incoming = new Map<string, string[]>();
  for (const e of graph.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e.from]);
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map(depthOf)) + 1;
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const out = new Map<string, { x: number; y: number }>();
  for (const n of graph.nodes) {
    const d = depthOf(n.id);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    out.set(n.id, { x: d * 250, y: row * 90 });
  }
  return out;
}

/** Starts loading ELK's worker before the first layout is needed. */
export function warmUpLayout(): void {
  getElk();
}
