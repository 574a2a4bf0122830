import { useState } from 'react';
import { AGGREGATIONS, measureLabel } from '../../../src/insights/insight-types.js';
import { DEFAULT_PIVOT_COLUMNS } from '../../../src/insights/pivot-table.js';
import type { Insight } from '../api/types';
import { InsightFilters } from '../components/insight-filters';
import { RuleList } from '../components/rule-list';

type TableSpec = NonNullable<Insight['table']>;
type Measure = NonNullable<TableSpec['measures']>[number];
type Highlight = NonNullable<TableSpec['highlight']>[number];

/** The columns a table answers with: its chosen columns (all when none), or a pivot's groups and measures. */
export function tableColumns(spec: TableSpec, datasetColumns: string[]): string[] {
  if (spec.groupBy?.length)
    return [
      ...spec.groupBy.map((g) => g.column),
      ...(spec.measures?.length ? spec.measures : [{ agg: 'count' } as Measure]).map(measureLabel),
    ];
  return spec.columns?.length ? spec.columns : datasetColumns;
}

/**
 * The settings of a `table` insight: plain (chosen columns) or pivot (group-by columns and
 * measures), filters, a row limit, number formats and conditional colours of its answer's columns.
 */
export function TableForm({
  spec,
  columns,
  readOnly,
  onChange,
}: {
  spec: TableSpec;
  columns: string[];
  readOnly: boolean;
  onChange: (spec: TableSpec) => void;
}) {
  const pivot = spec.groupBy !== undefined;
  const answer = tableColumns(spec, columns);
  const measures = spec.measures ?? [];
  const set = (patch: Partial<TableSpec>) => onChange({ ...spec, ...patch });
  const setGroup = (at: number, column: string) => {
    const groups = [...(spec.groupBy ?? [])];
    if (column) groups[at] = { column };
    else groups.splice(at);
    // A pivot column needs a group-by column (the API refuses one without).
    set({ groupBy: groups, ...(groups.length ? {} : { pivot: undefined }) });
  };
  const setMeasure = (at: number, m: Measure) => {
    if (!m.column) delete m.column;
    set({ measures: measures.map((old, i) => (i === at ? m : old)) });
  };

  return (
    <>
      <label className="field">
        <span>Layout</span>
        <select
          value={pivot ? 'pivot' : 'plain'}
          disabled={readOnly}
          onChange={(e) =>
            e.target.value === 'pivot'
              ? set({ groupBy: [], measures: [{ agg: 'count' }], columns: undefined })
              : set({ groupBy: undefined, measures: undefined, pivot: undefined })
          }
        >
          <option value="plain">plain rows</option>
          <option value="pivot">pivot (group and aggregate)</option>
        </select>
      </label>
      {pivot ? (
        <>
          {[0, 1].map((at) =>
            at <= (spec.groupBy?.length ?? 0) ? (
              <label key={at} className="field">
                <span>{at === 0 ? 'Group by' : 'Then by'}</span>
                <select
                  value={spec.groupBy?.[at]?.column ?? ''}
                  disabled={readOnly}
                  onChange={(e) => setGroup(at, e.target.value)}
                >
                  <option value="">—</option>
                  {columns.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
            ) : null,
          )}
          {spec.groupBy?.length ? (
            <label className="field">
              <span>Columns from the values of</span>
              <select
                value={spec.pivot?.column ?? ''}
                disabled={readOnly}
                onChange={(e) => set({ pivot: e.target.value ? { column: e.target.value } : undefined })}
              >
                <option value="">— (no column dimension)</option>
                {columns.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
              <span className="small muted">The first {DEFAULT_PIVOT_COLUMNS} values in order become columns.</span>
            </label>
          ) : null}
          <fieldset className="stack gap-1">
            <legend>Measures</legend>
            {measures.map((m, i) => (
              <div key={i} className="row wrap">
                <select
                  aria-label={`Measure ${i + 1} aggregation`}
                  value={m.agg}
                  disabled={readOnly}
                  onChange={(e) =>
                    setMeasure(i, {
                      ...m,
                      agg: e.target.value as Measure['agg'],
                      q: e.target.value === 'quantile' ? (m.q ?? 0.9) : undefined,
                    })
                  }
                >
                  {AGGREGATIONS.map((a) => (
                    <option key={a}>{a}</option>
                  ))}
                </select>
                <select
                  aria-label={`Measure ${i + 1} column`}
                  value={m.column ?? ''}
                  disabled={readOnly}
                  onChange={(e) => setMeasure(i, { ...m, column: e.target.value || undefined })}
                >
                  <option value="">{m.agg === 'count' ? '(rows)' : '—'}</option>
                  {columns.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
                {!readOnly ? (
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => set({ measures: measures.filter((_, j) => j !== i) })}
                  >
                    Remove
                  </button>
                ) : null}
              </div>
            ))}
            {!readOnly ? (
              <button
                type="button"
                className="btn small"
                onClick={() => set({ measures: [...measures, { agg: 'count' }] })}
              >
                Add measure
              </button>
            ) : null}
          </fieldset>
        </>
      ) : (
        <fieldset className="stack gap-1">
          <legend>Columns (none ticked: all)</legend>
          <div className="row wrap">
            {columns.map((c) => (
              <label key={c} className="row gap-1 small">
                <input
                  type="checkbox"
                  disabled={readOnly}
                  checked={spec.columns?.includes(c) ?? false}
                  onChange={(e) => {
                    const chosen = e.target.checked
                      ? columns.filter((k) => k === c || spec.columns?.includes(k))
                      : (spec.columns ?? []).filter((k) => k !== c);
                    set({ columns: chosen.length ? chosen : undefined });
                  }}
                />
                <span>{c}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <InsightFilters
        filters={spec.filters ?? []}
        columns={columns}
        readOnly={readOnly}
        onChange={(filters) => set({ filters: filters.length ? filters : undefined })}
      />
      <label className="field">
        <span>Row limit</span>
        <input
          type="number"
          min={1}
          max={5000}
          placeholder="1000"
          disabled={readOnly}
          value={spec.limit ?? ''}
          onChange={(e) => set({ limit: e.target.value ? Number(e.target.value) : undefined })}
        />
      </label>
      <NumberFormats spec={spec} answer={answer} readOnly={readOnly} set={set} />
      <ConditionalColours spec={spec} answer={answer} readOnly={readOnly} set={set} />
    </>
  );
}

function NumberFormats({
  spec,
  answer,
  readOnly,
  set,
}: {
  spec: TableSpec;
  answer: string[];
  readOnly: boolean;
  set: (patch: Partial<TableSpec>) => void;
}) {
  const [column, setColumn] = useState('');
  const [pattern, setPattern] = useState('0.00');
  const formats = spec.formats ?? {};
  return (
    <fieldset className="stack gap-1">
      <legend>Number formats</legend>
      {Object.entries(formats).map(([c, p]) => (
        <div key={c} className="row">
          <span className="mono small">
            {c}: {p}
          </span>
          {!readOnly ? (
            <button
              type="button"
              className="btn small"
              onClick={() => {
                const rest = Object.fromEntries(Object.entries(formats).filter(([k]) => k !== c));
                set({ formats: Object.keys(rest).length ? rest : undefined });
              }}
            >
              Remove
            </button>
          ) : null}
        </div>
      ))}
      {!readOnly ? (
        <div className="row wrap">
          <select aria-label="Format column" value={column} onChange={(e) => setColumn(e.target.value)}>
            <option value="">column</option>
            {answer.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
          <input
            aria-label="Format"
            title="0, 0.00, #,##0.0, 0%, 0.0%, 0.00e0"
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
          />
          <button
            type="button"
            className="btn small"
            disabled={!column || !pattern}
            onClick={() => {
              set({ formats: { ...formats, [column]: pattern } });
              setColumn('');
            }}
          >
            Add format
          </button>
        </div>
      ) : null}
    </fieldset>
  );
}

const OPS: Record<Highlight['op'], string> = { gt: '>', lt: '<', eq: '=' };

function ConditionalColours({
  spec,
  answer,
  readOnly,
  set,
}: {
  spec: TableSpec;
  answer: string[];
  readOnly: boolean;
  set: (patch: Partial<TableSpec>) => void;
}) {
  const [rule, setRule] = useState<{ column: string; op: Highlight['op']; value: string; color: string }>({
    column: '',
    op: 'gt',
    value: '',
    color: '#ffd6d6',
  });
  const rules = spec.highlight ?? [];
  const value = Number(rule.value);
  return (
    <RuleList
      legend="Conditional colours"
      rules={rules}
      describe={(r) => (
        <>
          <span className="swatch" style={{ background: r.color }} aria-hidden="true" />
          <span className="mono small">
            {r.column} {OPS[r.op]} {r.value}: {r.color}
          </span>
        </>
      )}
      readOnly={readOnly}
      onRemove={(i) => set({ highlight: rules.length > 1 ? rules.filter((_, j) => j !== i) : undefined })}
    >
      <select
        aria-label="Colour column"
        value={rule.column}
        onChange={(e) => setRule({ ...rule, column: e.target.value })}
      >
        <option value="">column</option>
        {answer.map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
      <select
        aria-label="Colour when"
        value={rule.op}
        onChange={(e) => setRule({ ...rule, op: e.target.value as Highlight['op'] })}
      >
        {Object.entries(OPS).map(([op, sign]) => (
          <option key={op} value={op}>
            {sign}
          </option>
        ))}
      </select>
      <input
        aria-label="Colour threshold"
        type="number"
        value={rule.value}
        onChange={(e) => setRule({ ...rule, value: e.target.value })}
      />
      <input
        aria-label="Colour"
        type="color"
        value={rule.color}
        onChange={(e) => setRule({ ...rule, color: e.target.value })}
      />
      <button
        type="button"
        className="btn small"
        disabled={!rule.column || rule.value === '' || Number.isNaN(value)}
        onClick={() => {
          set({ highlight: [...rules, { column: rule.column, op: rule.op, value, color: rule.color }] });
          setRule({ ...rule, column: '', value: '' });
        }}
      >
        Add colour
      </button>
    </RuleList>
  );
}
