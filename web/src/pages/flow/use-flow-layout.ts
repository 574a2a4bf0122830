import type { ReactFlowInstance } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlowGraph } from '../../api/types';
import { layoutFlow, quickLayout } from '../../lib/flow-layout';

type Positions = Map<string, { x: number; y: number }>;

/**
 * Node positions of the flow: a quick layout at once, then the layered one (elk) when it is
 * ready, fitted into view. Laid out again only when the graph's shape changes, not its states.
 */
export function useFlowLayout(graph: FlowGraph | undefined, onError: (e: unknown) => void) {
  const instanceRef = useRef<ReactFlowInstance | null>(null);
  const shape = useMemo(
    () => (graph ? JSON.stringify([graph.nodes.map((n) => n.id).sort(), graph.edges]) : ''),
    [graph],
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps -- laid out again only when the shape changes
  const quick = useMemo(() => (graph ? quickLayout(graph) : null), [shape]);
  // The layered layout of the shape it was computed for: a new shape shows the quick one until its own is ready.
  const [layered, setLayered] = useState<{ shape: string; positions: Positions } | null>(null);
  useEffect(() => {
    if (!graph) return;
    let cancelled = false;
    layoutFlow(graph)
      .then((p) => {
        if (cancelled) return;
        setLayered({ shape, positions: p });
        requestAnimationFrame(() => void instanceRef.current?.fitView({ padding: 0.25, maxZoom: 1.2 }));
      })
      .catch(onError);
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);
  const positions = layered?.shape === shape ? layered.positions : quick;
  return { positions, instanceRef };
}
