import type { ReactFlowInstance } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { FlowGraph } from '../../api/types';
import { layoutFlow, quickLayout } from '../../lib/flow-layout';

/**
 * Node positions of the flow: a quick layout at once, then the layered one (elk) when it is
 * ready, fitted into view. Laid out again only when the graph's shape changes, not its states.
 */
export function useFlowLayout(graph: FlowGraph | undefined, onError: (e: unknown) => void) {
  const [positions, setPositions] = useState<Map<string, { x: number; y: number }> | null>(null);
  const instance = useRef<ReactFlowInstance | null>(null);
  const shape = useMemo(
    () => (graph ? JSON.stringify([graph.nodes.map((n) => n.id).sort(), graph.edges]) : ''),
    [graph],
  );
  useEffect(() => {
    if (!graph) return;
    let cancelled = false;
    setPositions(quickLayout(graph));
    layoutFlow(graph)
      .then((p) => {
        if (cancelled) return;
        setPositions(p);
        requestAnimationFrame(() => void instance.current?.fitView({ padding: 0.25, maxZoom: 1.2 }));
      })
      .catch(onError);
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);
  return { positions, instance };
}
