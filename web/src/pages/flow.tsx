import { Background, Controls, MarkerType, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { BuildMode, FlowGraph, FlowNode } from '../api/types';
import { JobProgress } from '../components/job-progress';
import { projectPath } from '../components/layout';
import { EmptyState, ErrorAlert, Loading } from '../components/ui';
import { warmUpLayout } from '../lib/flow-layout';
import { useApi, useInterval } from '../lib/use-api';
import { FlowToolbar } from './flow/flow-toolbar';
import { nodeTypes, type NodeData } from './flow/nodes';
import { SelectionPanel } from './flow/selection-panel';
import { useFlowLayout } from './flow/use-flow-layout';

warmUpLayout();

const EDGE_COLOUR = '#7d8a9c';

export default function FlowPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const flow = useApi<FlowGraph>(projectApi(key, 'flow'));
  const [mode, setMode] = useState<BuildMode>('required');
  const [error, setError] = useState<unknown>(null);
  const selectedId = params.get('selected');
  const jobId = params.get('job');
  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const { positions, instanceRef } = useFlowLayout(flow.data, setError);

  const building = flow.data?.nodes.some((n) => n.state === 'building') ?? false;
  useInterval(flow.reload, 1500, building || Boolean(jobId));

  const nodes: Node[] = useMemo(
    () =>
      flow.data && positions
        ? flow.data.nodes.map((n) => ({
            id: n.id,
            type: n.kind,
            position: positions.get(n.id) ?? { x: 0, y: 0 },
            data: n as NodeData,
            selected: n.id === selectedId,
            ariaLabel: `${n.kind} ${n.name}${n.state ? `, ${n.state}` : ''}`,
          }))
        : [],
    [flow.data, positions, selectedId],
  );
  const edges: Edge[] = useMemo(
    () =>
      (flow.data?.edges ?? []).map((e) => {
        const target = flow.data!.nodes.find((n) => n.id === e.to);
        return {
          id: `${e.from}->${e.to}`,
          source: e.from,
          target: e.to,
          animated: target?.state === 'building',
          style: { stroke: EDGE_COLOUR, strokeWidth: 1.5 },
          // Data flows from inputs to recipes to outputs: the arrow says which way.
          markerEnd: { type: MarkerType.ArrowClosed, color: EDGE_COLOUR, width: 16, height: 16 },
        };
      }),
    [flow.data],
  );

  const selected = flow.data?.nodes.find((n) => n.id === selectedId) ?? null;
  const datasets = flow.data?.nodes.filter((n) => n.kind === 'dataset') ?? [];
  // The flow's ends: datasets no recipe reads. "Build all" builds these in the chosen mode.
  const sinks = datasets.filter((d) => !flow.data!.edges.some((e) => e.from === d.id)).map((d) => d.name);

  const build = async (targets: string[]) => {
    setError(null);
    try {
      const r = await api.post<{ jobId: string }>(projectApi(key, 'builds'), { targets, mode });
      setParam('job', r.jobId);
      flow.reload();
    } catch (e) {
      setError(e);
    }
  };

  // The search box picks the first node whose name holds the text and brings it into view.
  const find = (text: string) => {
    const needle = text.trim().toLowerCase();
    if (!needle || !flow.data) return false;
    const hit =
      flow.data.nodes.find((n) => n.name.toLowerCase() === needle) ??
      flow.data.nodes.find((n) => n.name.toLowerCase().includes(needle));
    if (!hit) return false;
    setParam('selected', hit.id);
    void instanceRef.current?.fitView({ nodes: [{ id: hit.id }], maxZoom: 1.2, duration: 300 });
    return true;
  };

  const open = (n: FlowNode) =>
    navigate(n.kind === 'dataset' ? projectPath(key, 'datasets', n.name) : projectPath(key, 'recipes', n.name));

  return (
    <>
      <FlowToolbar
        projectKey={key}
        mode={mode}
        setMode={setMode}
        canBuildSelected={selected?.kind === 'dataset'}
        onBuildSelected={() => selected && void build([selected.name])}
        canBuildAll={sinks.length > 0}
        onBuildAll={() => void build(sinks)}
        onFind={find}
      />
      <div className="flow-canvas">
        {error ? (
          <div className="flow-error">
            <ErrorAlert error={error} />
          </div>
        ) : null}
        {flow.error && !flow.data ? (
          <div className="flow-message">
            <ErrorAlert error={flow.error} onRetry={flow.reload} />
          </div>
        ) : !flow.data || (!positions && flow.data.nodes.length) ? (
          <Loading label="Laying out the flow…" />
        ) : flow.data.nodes.length === 0 ? (
          <EmptyState
            title="The flow is empty"
            actions={
              <Link className="btn primary" to={projectPath(key, 'datasets') + '?upload=1'}>
                Upload a dataset
              </Link>
            }
          >
            Upload a dataset, then add recipes that turn it into new datasets.
          </EmptyState>
        ) : (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            fitView
            fitViewOptions={{ padding: 0.25, maxZoom: 1.2 }}
            minZoom={0.1}
            nodesDraggable={false}
            nodesConnectable={false}
            onInit={(i) => {
              instanceRef.current = i;
            }}
            onNodeClick={(_, n) => setParam('selected', n.id)}
            // Keyboard users select a focused node with Enter or Space: xyflow reports it as a change
            // of the (controlled) nodes, which the URL then holds.
            onNodesChange={(changes) => {
              const picked = changes.find((c) => c.type === 'select' && c.selected);
              if (picked && 'id' in picked && picked.id !== selectedId) setParam('selected', picked.id);
            }}
            onNodeDoubleClick={(_, n) => void open(n.data as NodeData)}
            onPaneClick={() => setParam('selected', null)}
            proOptions={{ hideAttribution: true }}
            aria-label="Flow graph"
          >
            <Background gap={20} color="#e3e8ef" />
            <Controls showInteractive={false} />
          </ReactFlow>
        )}
        {selected ? (
          <SelectionPanel
            projectKey={key}
            selected={selected}
            mode={mode}
            onBuild={(targets) => void build(targets)}
            onClose={() => setParam('selected', null)}
          />
        ) : null}
        {jobId ? (
          <div className="card build-panel">
            <div className="card-header">
              <h2>Build</h2>
              <button
                type="button"
                className="btn ghost small"
                aria-label="Close the build panel"
                onClick={() => setParam('job', null)}
              >
                ×
              </button>
            </div>
            <div className="card-body">
              <JobProgress projectKey={key} jobId={jobId} onEnd={() => flow.reload()} />
            </div>
          </div>
        ) : null}
      </div>
    </>
  );
}
