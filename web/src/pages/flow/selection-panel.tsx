import { Link } from 'react-router-dom';
import type { BuildMode, FlowNode } from '../../api/types';
import { projectPath } from '../../components/layout';
import { StatusBadge } from '../../components/ui';
import { formatCount, formatRelative } from '../../lib/format';
import { modeLabel } from './modes';

/** The selected dataset or recipe: its state, and a build of it in the chosen mode. */
export function SelectionPanel({
  projectKey,
  selected,
  mode,
  onBuild,
  onClose,
}: {
  projectKey: string;
  selected: FlowNode;
  mode: BuildMode;
  onBuild: (targets: string[]) => void;
  onClose: () => void;
}) {
  return (
    <aside className="card side-panel" aria-label="Selection">
      <div className="card-header">
        <h2>{selected.name}</h2>
        <button type="button" className="btn ghost small" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="card-body stack gap-3">
        {selected.kind === 'dataset' ? (
          <>
            <div className="row">
              <StatusBadge status={selected.state} /> <span className="small muted">{selected.storage}</span>
            </div>
            <div className="small">
              {formatCount(selected.rowCount ?? null)} rows
              {selected.builtAt ? ` · built ${formatRelative(selected.builtAt)}` : ''}
            </div>
            <div className="row">
              <button type="button" className="btn primary small" onClick={() => onBuild([selected.name])}>
                Build ({modeLabel(mode).toLowerCase()})
              </button>
              <Link className="btn small" to={projectPath(projectKey, 'datasets', selected.name)}>
                Open dataset
              </Link>
            </div>
          </>
        ) : (
          <>
            <div className="small">{selected.type} recipe</div>
            {selected.stale ? (
              <div className="alert info small">Stale: {selected.stale}</div>
            ) : (
              <div className="small muted">Up to date</div>
            )}
            <Link className="btn small" to={projectPath(projectKey, 'recipes', selected.name)}>
              Open recipe
            </Link>
          </>
        )}
      </div>
    </aside>
  );
}
