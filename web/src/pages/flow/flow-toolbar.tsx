import type { BuildMode, DatasetState } from '../../api/types';
import { ActionButton, ActionLink } from '../../components/can';
import { projectPath } from '../../components/layout';
import { useCan } from '../../lib/use-can';
import { FlowSearch } from './flow-search';
import { MODES } from './modes';
import { STATE_TONES } from './nodes';

/** The flow's actions: the build mode, building the selection or the whole flow, a new recipe; and the legend of states. */
export function FlowToolbar({
  projectKey,
  mode,
  setMode,
  canBuildSelected,
  onBuildSelected,
  canBuildAll,
  onBuildAll,
  onFind,
}: {
  projectKey: string;
  mode: BuildMode;
  setMode: (m: BuildMode) => void;
  canBuildSelected: boolean;
  onBuildSelected: () => void;
  canBuildAll: boolean;
  onBuildAll: () => void;
  /** Selects and shows the node matching the text; false when none does. */
  onFind: (text: string) => boolean;
}) {
  const canWrite = useCan('write');
  return (
    <div className="toolbar" role="toolbar" aria-label="Flow actions">
      <h1>Flow</h1>
      <label className="row small gap-2">
        Mode
        <select
          value={mode}
          onChange={(e) => setMode(e.target.value as BuildMode)}
          aria-label="Build mode"
          title={MODES.find((m) => m.value === mode)?.hint}
        >
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <ActionButton can={canWrite} className="btn primary" disabled={!canBuildSelected} onClick={onBuildSelected}>
        Build selected
      </ActionButton>
      <ActionButton can={canWrite} className="btn" disabled={!canBuildAll} onClick={onBuildAll}>
        Build all
      </ActionButton>
      <ActionLink can={canWrite} className="btn" to={projectPath(projectKey, 'recipes', 'new')}>
        New recipe
      </ActionLink>
      <FlowSearch onFind={onFind} />
      <div className="grow" />
      <div className="legend" aria-label="Legend">
        {(Object.keys(STATE_TONES) as DatasetState[]).map((s) => (
          <span key={s} className={`tone-${STATE_TONES[s]}`}>
            {s}
          </span>
        ))}
      </div>
    </div>
  );
}
