import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps, type ReactFlowInstance } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { BuildMode, DatasetState, FlowGraph, FlowNode } from '../api/types';
import { COLORS } from '../components/echart';
import { JobProgress } from '../components/job-progress';
import { projectPath } from '../components/layout';
import { EmptyState, ErrorAlert, Loading, StatusBadge } from '../components/ui';
import { formatCount, formatRelative } from '../lib/format';
import { layoutFlow, quickLayout, warmUpLayout } from '../lib/flow-layout';
import { useApi, useInterval } from '../lib/use-api';

const STATE_COLORS: Record<DatasetState, string> = { built: COLORS.ok, stale: COLORS.warn, empty: COLORS.idle, failed: COLORS.bad, building: COLORS.run, external: COLORS.ext };
const MODES: { value: BuildMode; label: string; hint: string }[] = [
  { value: 'required', label: 'Build required', hint: 'Also rebuild stale upstream datasets' },
  { value: 'only', label: 'Build only this', hint: 'Only the selected datasets' },
  { value: 'recursive', label: 'Force rebuild all upstream', hint: 'Everything upstream, even when up to date' },
];

type NodeData = FlowNode & Record<string, unknown>;

function DatasetNode({ data, selected }: NodeProps<Node<NodeData>>) {
  return (
    <div className={`flow-node dataset state-${data.state}${selected ? ' selected' : ''}`} title={`${data.name}: ${data.state}`}>
      <Handle type="target" position={Position.Left} />
      <div className="title">{data.name}</div>
      <div className="meta">
        <span style={{ color: STATE_COLORS[data.state ?? 'empty'], fontWeight: 600 }}>{data.state}</span>
        {data.rowCount !== null && data.rowCount !== undefined ? ` · ${formatCount(data.rowCount)} rows` : ''}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

function RecipeNode({ data, selected }: NodeProps<Node<NodeData>>) {
  return (
    <div className={`flow-node recipe${selected ? ' selected' : ''}`} title={data.stale ? `Stale: ${data.stale}` : data.name}>
      <Handle type="target" position={Position.Left} />
      <div className="title">
        {data.stale ? '● ' : ''}
        {data.name}
      </div>
      <div className="meta">{data.type}</div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const nodeTypes = { dataset: DatasetNode, recipe: RecipeNode };
warmUpLayout();

export default function FlowPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const flow = useApi<FlowGraph>(projectApi(key, 'flow'));
  const [positions, setPositions] = useState<Map<string, { x: number; y: number }> | null>(null);
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

  // Lay out again only when the graph's shape changes, not when states do.
  const shape = useMemo(() => (flow.data ? JSON.stringify([flow.data.nodes.map((n) => n.id).sort(), flow.data.edges]) : ''), [flow.data]);
  const instance = useRef<ReactFlowInstance | null>(null);
  useEffect(() => {
    if (!flow.data) return;
    let cancelled = false;
    setPositions(quickLayout(flow.data));
    layoutFlow(flow.data)
      .then((p) => {
        if (cancelled) return;
        setPositions(p);
        requestAnimationFrame(() => void instance.current?.fitView({ padding: 0.25, maxZoom: 1.2 }));
      })
      .catch(setError);
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  const building = flow.data?.nodes.some((n) => n.state === 'building') ?? false;
  useInterval(flow.reload, 1500, building || Boolean(jobId));

  const nodes: Node[] = useMemo(
    () => (flow.data && positions ? flow.data.nodes.map((n) => ({ id: n.id, type: n.kind, position: positions.get(n.id) ?? { x: 0, y: 0 }, data: n as NodeData, selected: n.id === selectedId, ariaLabel: `${n.kind} ${n.name}${n.state ? `, ${n.state}` : ''}` })) : []),
    [flow.data, positions, selectedId],
  );
  const edges: Edge[] = useMemo(
    () =>
      (flow.data?.edges ?? []).map((e) => {
        const target = flow.data!.nodes.find((n) => n.id === e.to);
        return { id: `${e.from}->${e.to}`, source: e.from, target: e.to, animated: target?.state === 'building', style: { stroke: '#9aa6b6', strokeWidth: 1.5 } };
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

  const open = (n: FlowNode) => navigate(n.kind === 'dataset' ? projectPath(key, 'datasets', n.name) : projectPath(key, 'recipes', n.name));

  return (
    <>
      <div className="toolbar" role="toolbar" aria-label="Flow actions">
        <h1 style={{ fontSize: '1.1rem', marginRight: 8 }}>Flow</h1>
        <label className="row small" style={{ gap: 6 }}>
          Mode
          <select value={mode} onChange={(e) => setMode(e.target.value as BuildMode)} aria-label="Build mode" title={MODES.find((m) => m.value === mode)?.hint}>
            {MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn primary" disabled={!selected || selected.kind !== 'dataset'} onClick={() => selected && void build([selected.name])}>
          Build selected
        </button>
        <button type="button" className="btn" disabled={!sinks.length} onClick={() => void build(sinks)}>
          Build all
        </button>
        <Link className="btn" to={projectPath(key, 'recipes', 'new')}>
          New recipe
        </Link>
        <div className="grow" />
        <div className="legend" aria-label="Legend">
          {(Object.keys(STATE_COLORS) as DatasetState[]).map((s) => (
            <span key={s} style={{ ['--c' as string]: STATE_COLORS[s] }}>
              {s}
            </span>
          ))}
        </div>
      </div>
      <div className="flow-canvas">
        {error ? (
          <div style={{ position: 'absolute', top: 12, left: 12, zIndex: 6, maxWidth: 520 }}>
            <ErrorAlert error={error} />
          </div>
        ) : null}
        {flow.error && !flow.data ? (
          <div style={{ padding: 20 }}>
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
              instance.current = i;
            }}
            onNodeClick={(_, n) => setParam('selected', n.id)}
            // Keyboard users select a focused node with Enter or Space.
            onSelectionChange={({ nodes: picked }) => {
              if (picked.length === 1 && picked[0].id !== selectedId) setParam('selected', picked[0].id);
            }}
            onNodeDoubleClick={(_, n) => open(n.data as NodeData)}
            onPaneClick={() => setParam('selected', null)}
            proOptions={{ hideAttribution: true }}
            aria-label="Flow graph"
          >
            <Background gap={20} color="#e3e8ef" />
            <Controls showInteractive={false} />
          </ReactFlow>
        )}
        {selected ? (
          <aside className="card side-panel" aria-label="Selection">
            <div className="card-header">
              <h3>{selected.name}</h3>
              <button type="button" className="btn ghost small" aria-label="Close" onClick={() => setParam('selected', null)}>
                ×
              </button>
            </div>
            <div className="card-body stack" style={{ gap: 8 }}>
              {selected.kind === 'dataset' ? (
                <>
                  <div className="row">
                    <StatusBadge status={selected.state} /> <span className="small muted">{selected.storage}</span>
                  </div>
                  <div className="small">
                    {formatCount(selected.rowCount ?? null)} rows{selected.builtAt ? ` · built ${formatRelative(selected.builtAt)}` : ''}
                  </div>
                  <div className="row">
                    <button type="button" className="btn primary small" onClick={() => void build([selected.name])}>
                      Build ({MODES.find((m) => m.value === mode)?.label.toLowerCase()})
                    </button>
                    <Link className="btn small" to={projectPath(key, 'datasets', selected.name)}>
                      Open dataset
                    </Link>
                  </div>
                </>
              ) : (
                <>
                  <div className="small">{selected.type} recipe</div>
                  {selected.stale ? <div className="alert info small">Stale: {selected.stale}</div> : <div className="small muted">Up to date</div>}
                  <Link className="btn small" to={projectPath(key, 'recipes', selected.name)}>
                    Open recipe
                  </Link>
                </>
              )}
            </div>
          </aside>
        ) : null}
        {jobId ? (
          <div className="card" style={{ position: 'absolute', left: 12, bottom: 12, width: 460, zIndex: 5 }}>
            <div className="card-header">
              <h3>Build</h3>
              <button type="button" className="btn ghost small" aria-label="Close the build panel" onClick={() => setParam('job', null)}>
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
