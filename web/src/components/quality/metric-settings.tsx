import type { Dispatch, SetStateAction } from 'react';
import type { ColumnSchema, QualitySettings } from '../../api/types';

/** The part of a dataset's quality settings the editor changes. */
export type Editable = Pick<QualitySettings, 'metrics' | 'checks' | 'failBuildOnError'>;

const TIME_TYPE = /date|time/i;

/** When metrics are computed, which columns tell freshness, and the dataset's own SQL metrics. */
export function MetricSettings({
  dataset,
  columns,
  value,
  setValue,
}: {
  dataset: string;
  columns: ColumnSchema[];
  value: Editable;
  setValue: Dispatch<SetStateAction<Editable>>;
}) {
  const setMetrics = (m: Partial<Editable['metrics']>) => setValue((v) => ({ ...v, metrics: { ...v.metrics, ...m } }));
  const sqlMetrics = value.metrics.sql ?? [];
  const timeColumns = columns.filter((c) => TIME_TYPE.test(c.type)).map((c) => c.name);
  return (
    <div className="list-item" role="group" aria-label="Metrics">
      <div className="list-item-head">
        <span className="grow">Metrics</span>
      </div>
      <div className="form-grid">
        <label className="field check">
          <input
            type="checkbox"
            checked={value.metrics.afterBuild !== false}
            onChange={(e) => setMetrics({ afterBuild: e.target.checked })}
          />
          <span>Compute metrics and run checks after every build</span>
        </label>
        <label className="field check">
          <input
            type="checkbox"
            checked={Boolean(value.failBuildOnError)}
            onChange={(e) => setValue((v) => ({ ...v, failBuildOnError: e.target.checked }))}
          />
          <span>Reject a build whose output fails an ERROR check</span>
        </label>
      </div>
      <div className="field mt-3" role="group" aria-labelledby="quality-time-columns">
        <span id="quality-time-columns">
          Freshness columns <span className="hint">default: every date/timestamp column</span>
        </span>
        <div className="row gap-2">
          {timeColumns.length === 0 ? (
            <span className="small muted">The dataset has no date or timestamp column.</span>
          ) : null}
          {timeColumns.map((c) => {
            const on = value.metrics.timeColumns?.includes(c) ?? false;
            const list = value.metrics.timeColumns ?? [];
            return (
              <button
                key={c}
                type="button"
                className="tag"
                aria-pressed={on}
                onClick={() => setMetrics({ timeColumns: on ? list.filter((x) => x !== c) : [...list, c] })}
              >
                {c}
              </button>
            );
          })}
        </div>
      </div>
      <div className="stack gap-2 mt-3">
        <span>SQL metrics</span>
        {sqlMetrics.map((m, i) => (
          <div key={i} className="row top gap-3">
            <input
              aria-label={`SQL metric ${i + 1} name`}
              required
              placeholder="name"
              value={m.name}
              className="input-s"
              onChange={(e) =>
                setMetrics({ sql: sqlMetrics.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })
              }
            />
            <textarea
              aria-label={`SQL metric ${i + 1} query`}
              required
              className="mono grow"
              rows={2}
              placeholder={`SELECT count(*) FROM ${dataset} WHERE …`}
              value={m.sql}
              onChange={(e) =>
                setMetrics({ sql: sqlMetrics.map((x, j) => (j === i ? { ...x, sql: e.target.value } : x)) })
              }
            />
            <button
              type="button"
              className="btn small ghost"
              aria-label={`Remove SQL metric ${i + 1}`}
              onClick={() => setMetrics({ sql: sqlMetrics.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </div>
        ))}
        <div>
          <button
            type="button"
            className="btn small"
            onClick={() => setMetrics({ sql: [...sqlMetrics, { name: '', sql: '' }] })}
          >
            Add SQL metric
          </button>
        </div>
      </div>
    </div>
  );
}
