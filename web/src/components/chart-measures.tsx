import { AGGREGATIONS, measureLabel } from '../../../src/insights/insight-types.js';
import type { ChartSpec } from '../api/types';

export type ChartMeasure = ChartSpec['y'][number];

/** The quantile a new `quantile` measure starts at. */
const DEFAULT_Q = 0.9;

/**
 * The measures of a chart: each its aggregation, a quantile's q and its column, removable while
 * more than one is left; "Add a measure" when the kind draws several (`addBlocked` says why not).
 * The first measure's fields keep their plain labels ("Aggregation"); the next ones are numbered.
 * A legend label replaces the measure's own (`avg(trec)`) in the legend, the tooltip and the answer.
 */
export function ChartMeasures({
  measures,
  columns,
  readOnly,
  addBlocked,
  onChange,
}: {
  measures: ChartMeasure[];
  columns: string[];
  readOnly: boolean;
  /** Why no measure can be added (the kind draws one, a colour column is set), or null. */
  addBlocked: string | null;
  onChange: (measures: ChartMeasure[]) => void;
}) {
  const update = (i: number, change: Partial<ChartMeasure>) => {
    const next: ChartMeasure = { ...measures[i], ...change };
    if (!next.column) delete next.column;
    if (next.label === undefined) delete next.label;
    if (next.agg === 'quantile' && next.q === undefined) next.q = DEFAULT_Q;
    if (next.agg !== 'quantile') delete next.q;
    onChange(measures.map((m, j) => (j === i ? next : m)));
  };
  return (
    <fieldset className="stack chart-measures">
      <legend>Measures</legend>
      {measures.map((m, i) => {
        const suffix = i === 0 ? '' : ` ${i + 1}`;
        return (
          <div key={i} className="stack chart-measure">
            <label className="field">
              <span>Aggregation{suffix}</span>
              <select
                value={m.agg}
                disabled={readOnly}
                onChange={(e) => update(i, { agg: e.target.value as ChartMeasure['agg'] })}
              >
                {AGGREGATIONS.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </select>
            </label>
            {m.agg === 'quantile' ? (
              <label className="field">
                <span>Quantile (0–1){suffix}</span>
                <input
                  type="number"
                  min={0}
                  max={1}
                  step={0.01}
                  disabled={readOnly}
                  value={m.q ?? DEFAULT_Q}
                  onChange={(e) => {
                    const q = Number(e.target.value);
                    if (e.target.value !== '' && q >= 0 && q <= 1) update(i, { q });
                  }}
                />
              </label>
            ) : null}
            <label className="field">
              <span>Measure column{suffix}</span>
              <select
                value={m.column ?? ''}
                disabled={readOnly}
                onChange={(e) => update(i, { column: e.target.value || undefined })}
              >
                <option value="">{m.agg === 'count' ? '(rows)' : '—'}</option>
                {columns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Legend label{suffix}</span>
              <input
                value={m.label ?? ''}
                disabled={readOnly}
                maxLength={128}
                placeholder={measureLabel({ ...m, label: undefined })}
                onChange={(e) => update(i, { label: e.target.value.trim() ? e.target.value : undefined })}
              />
            </label>
            {!readOnly && measures.length > 1 ? (
              <button type="button" className="btn small" onClick={() => onChange(measures.filter((_, j) => j !== i))}>
                Remove measure{suffix || ' 1'}
              </button>
            ) : null}
          </div>
        );
      })}
      {readOnly ? null : (
        <>
          <button
            type="button"
            className="btn small"
            disabled={addBlocked !== null}
            aria-describedby={addBlocked ? 'measures-blocked' : undefined}
            onClick={() => onChange([...measures, { agg: 'count' }])}
          >
            Add a measure
          </button>
          {addBlocked ? (
            <p id="measures-blocked" className="small muted">
              {addBlocked}
            </p>
          ) : null}
        </>
      )}
    </fieldset>
  );
}
