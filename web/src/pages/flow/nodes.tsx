import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { DatasetState, FlowNode } from '../../api/types';
import type { Tone } from '../../components/echart';
import { formatCount } from '../../lib/format';

/** The colour family of each build state, as in the legend. */
export const STATE_TONES: Record<DatasetState, Tone> = {
  built: 'ok',
  stale: 'warn',
  empty: 'idle',
  failed: 'bad',
  building: 'run',
  external: 'ext',
};

export type NodeData = FlowNode & Record<string, unknown>;

function DatasetNode({ data, selected }: NodeProps<Node<NodeData>>) {
  return (
    <div
      className={`flow-node dataset state-${data.state}${selected ? ' selected' : ''}`}
      title={`${data.name}: ${data.state}`}
    >
      <Handle type="target" position={Position.Left} />
      <div className="title">{data.name}</div>
      <div className="meta">
        <span className={`state-label tone-${STATE_TONES[data.state ?? 'empty']}`}>{data.state}</span>
        {data.rowCount !== null && data.rowCount !== undefined ? ` · ${formatCount(data.rowCount)} rows` : ''}
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

function RecipeNode({ data, selected }: NodeProps<Node<NodeData>>) {
  return (
    <div
      className={`flow-node recipe${selected ? ' selected' : ''}`}
      title={data.stale ? `Stale: ${data.stale}` : data.name}
    >
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

export const nodeTypes = { dataset: DatasetNode, recipe: RecipeNode };
