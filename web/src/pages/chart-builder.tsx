import { Fragment, useEffect, useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { omit } from '../../../src/common/omit.js';
import { facetsLeftOutNote } from '../../../src/insights/facet-chart.js';
import {
  CHART_KINDS,
  DEFAULT_FACETS,
  DEFAULT_POINT_BUDGET,
  KPI_POINTS,
  MAX_FACETS,
  MAX_POINT_BUDGET,
  SEVERAL_MEASURE_KINDS,
  TIME_UNITS,
} from '../../../src/insights/insight-types.js';
import { api, projectApi } from '../api/client';
import type { ChartSpec, Dataset, InsightData, InsightInfo } from '../api/types';
import { ChartMeasures } from '../components/chart-measures';
import { DimensionBinning, withBin } from '../components/dimension-binning';
import { InsightFilters } from '../components/insight-filters';
import { InsightView } from '../components/insight-view';
import { ObjectHistory } from '../components/object-history';
import { WholeNumberField } from '../components/whole-number-field';
import { projectPath } from '../components/layout';
import { CardSection, ErrorAlert, Loading, Notice, PageError, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { useInsightActions } from './use-insight-actions';
import { useRight } from '../lib/use-can';

const KIND_LABELS: Record<string, string> = {
  stacked_bar: 'stacked bar',
  grouped_bar: 'grouped bar',
  kpi: 'KPI',
  box: 'box plot',
  'x:asc': 'by x, ascending',
  'x:desc': 'by x, descending',
  'y:asc': 'by value, ascending',
  'y:desc': 'by value, descending',
};
/** The sort choices (`sort.by` and its direction), labelled above. */
const SORTS = ['x:asc', 'x:desc', 'y:asc', 'y:desc'] as const;
const omitSort = (s: ChartSpec): ChartSpec => omit(s, 'sort');

/** The dimensions a chart groups by, in the form's order: x comes before the measures, colour and facet after. */
const DIMENSIONS = [
  { key: 'x', label: 'X' },
  { key: 'color', label: 'Colour' },
  { key: 'facet', label: 'Facet' },
] as const;

/** The most measures a chart has (the API's cap). */
const MAX_MEASURES = 10;

/** Why the builder offers no further measure for this spec, or null. */
function measuresBlocked(spec: ChartSpec): string | null {
  const kind = KIND_LABELS[spec.kind] ?? spec.kind;
  if (spec.kind === 'kpi') return 'A KPI shows its first measure.';
  if (!SEVERAL_MEASURE_KINDS.includes(spec.kind)) return `A ${kind} chart draws one measure.`;
  if (spec.color) return 'A colour column draws one measure: remove the colour to compare measures.';
  if (spec.y.length >= MAX_MEASURES) return `At most ${MAX_MEASURES} measures.`;
  return null;
}

/**
 * The chart builder: dataset, kind, x (with binning), measures (each drawn as a series; a
 * quantile's q), colour, facet (how many small multiples), top N (with or without "Others"), sort
 * and filters; the preview
 * is computed by the server at each change (POST …/insights/preview). Readers see it read-only.
 */
export default function ChartBuilderPage() {
  const { key = '', id = 'new' } = useParams();
  const [search] = useSearchParams();
  const canEdit = useRight('manage-dashboards').ok;
  const isNew = id === 'new';
  const stored = useApi<InsightInfo>(isNew ? null : projectApi(key, 'insights', id));
  const datasets = useApi<Dataset[]>(projectApi(key, 'datasets'));
  const [insightId, setInsightId] = useState('');
  const [name, setName] = useState('');
  const [dataset, setDataset] = useState(search.get('dataset') ?? '');
  const [spec, setSpec] = useState<ChartSpec>({ kind: 'bar', y: [{ agg: 'count' }], filters: [] });
  const [preview, setPreview] = useState<InsightData | undefined>();
  // "Saved revision 1." of a new insight survives the move to its own address.
  const actions = useInsightActions(key, isNew ? null : stored);
  const { error, setError, notice } = actions;

  useEffect(() => {
    const s = stored.data;
    if (!s) return;
    setInsightId(s.id);
    setName(s.name);
    setDataset(s.dataset ?? '');
    if (s.chart) setSpec({ ...s.chart, filters: s.chart.filters ?? [] });
  }, [stored.data]);

  const columns = useMemo(
    () => datasets.data?.find((d) => d.name === dataset)?.columns?.map((c) => c.name) ?? [],
    [datasets.data, dataset],
  );
  const body = useMemo(
    () => ({ id: insightId || 'preview', name: name || 'preview', type: 'chart', dataset, chart: spec }),
    [insightId, name, dataset, spec],
  );
  const ready = dataset !== '' && (spec.x !== undefined || ['kpi', 'box', 'pie'].includes(spec.kind));

  useEffect(() => {
    if (!ready) return;
    let live = true;
    const timer = setTimeout(() => {
      api
        .post<InsightData>(projectApi(key, 'insights', 'preview'), body)
        .then((d) => live && (setPreview(d), setError(null)))
        .catch((e) => live && setError(e));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, body, ready, setError]);

  const save = () => actions.save(isNew ? body : { ...body, id }, isNew);
  const remove = () => actions.remove(id, id);

  if (!isNew && stored.error) return <PageError error={stored.error} onRetry={stored.reload} />;
  if (!isNew && !stored.data) return <Loading />;
  const readOnly = canEdit !== true;
  const select = (
    label: string,
    value: string,
    options: readonly string[],
    onChange: (v: string) => void,
    blank?: string,
  ) => (
    <label className="field">
      <span>{label}</span>
      <select value={value} disabled={readOnly} onChange={(e) => onChange(e.target.value)}>
        {blank !== undefined ? <option value="">{blank}</option> : null}
        {options.map((o) => (
          <option key={o} value={o}>
            {KIND_LABELS[o] ?? o}
          </option>
        ))}
      </select>
    </label>
  );

  const wholeNumber = (label: string, value: number, min: number, max: number, onChange: (n: number) => void) => (
    <WholeNumberField label={label} value={value} min={min} max={max} disabled={readOnly} onChange={onChange} />
  );
  /** A dimension's column and its binning: x, colour and facet alike (DIMENSIONS). */
  const dimensionFields = ({ key: role, label }: (typeof DIMENSIONS)[number]) => {
    const dimension = spec[role];
    return (
      <Fragment key={role}>
        {select(
          `${label} column`,
          dimension?.column ?? '',
          columns,
          // Another column keeps the binning (and the facet's count of small multiples).
          (c) => setSpec((s) => ({ ...s, [role]: c ? { ...s[role], column: c } : undefined })),
          '—',
        )}
        {dimension ? (
          <DimensionBinning
            role={label}
            dimension={dimension}
            readOnly={readOnly}
            onChange={(bin) =>
              setSpec((s) => {
                const current = s[role];
                return current ? { ...s, [role]: withBin(current, bin) } : s;
              })
            }
          />
        ) : null}
      </Fragment>
    );
  };
  // Dates are truncated to periods in a time zone: a KPI's periods, or a dimension binned by a date unit.
  const timed = spec.kpi !== undefined || [spec.x, spec.color, spec.facet].some((d) => d?.bin?.unit !== undefined);

  return (
    <div className="stack">
      {actions.dialog}
      <PageHeader
        title={isNew ? 'New chart' : name}
        breadcrumbs={<Link to={projectPath(key, 'dashboards')}>Dashboards</Link>}
        actions={
          readOnly ? (
            <span className="badge">read only</span>
          ) : (
            <>
              {!isNew ? (
                <button type="button" className="btn danger" onClick={() => void remove()}>
                  Delete
                </button>
              ) : null}
              <button
                type="button"
                className="btn primary"
                disabled={!insightId || !name || !ready}
                onClick={() => void save()}
              >
                Save
              </button>
            </>
          )
        }
      />
      <Notice text={notice} />
      <div className="chart-builder">
        <form
          className="card stack chart-builder-form"
          aria-label="Chart settings"
          onSubmit={(e) => e.preventDefault()}
        >
          <label className="field">
            <span>ID</span>
            <input
              value={insightId}
              disabled={readOnly || !isNew}
              onChange={(e) => setInsightId(e.target.value)}
              placeholder="trec_by_band"
            />
          </label>
          <label className="field">
            <span>Name</span>
            <input
              value={name}
              disabled={readOnly}
              onChange={(e) => setName(e.target.value)}
              placeholder="Mean Trec by band"
            />
          </label>
          {select('Dataset', dataset, datasets.data?.map((d) => d.name) ?? [], setDataset, 'Pick a dataset')}
          {select('Chart kind', spec.kind, CHART_KINDS, (k) =>
            setSpec((s) => ({
              ...s,
              kind: k as ChartSpec['kind'],
              kpi: k === 'kpi' ? s.kpi : undefined,
              donut: k === 'pie' ? s.donut : undefined,
            })),
          )}
          {spec.kind === 'kpi' ? (
            <>
              {select(
                'KPI time column',
                spec.kpi?.time ?? '',
                columns,
                (c) => setSpec((s) => ({ ...s, kpi: c ? { period: 'day', ...s.kpi, time: c } : undefined })),
                'none (a single value)',
              )}
              {spec.kpi
                ? select('Compare by', spec.kpi.period, TIME_UNITS, (p) =>
                    setSpec((s) => ({
                      ...s,
                      kpi: { ...s.kpi!, period: p as NonNullable<ChartSpec['kpi']>['period'] },
                    })),
                  )
                : null}
              {spec.kpi
                ? wholeNumber('Sparkline points (2–366)', spec.kpi.points ?? KPI_POINTS, 2, 366, (points) =>
                    setSpec((s) => (s.kpi ? { ...s, kpi: { ...s.kpi, points } } : s)),
                  )
                : null}
              {spec.kpi ? (
                <label className="row small gap-2">
                  <input
                    type="checkbox"
                    disabled={readOnly}
                    checked={spec.kpi.higherIsBetter ?? true}
                    onChange={(e) => setSpec((s) => ({ ...s, kpi: { ...s.kpi!, higherIsBetter: e.target.checked } }))}
                  />
                  <span>Higher is better</span>
                </label>
              ) : null}
            </>
          ) : null}
          {dimensionFields(DIMENSIONS[0])}
          {timed ? (
            <label className="field">
              <span>Time zone of dates</span>
              <input
                value={spec.timezone ?? ''}
                disabled={readOnly}
                placeholder="UTC"
                onChange={(e) => setSpec((s) => ({ ...s, timezone: e.target.value.trim() || undefined }))}
              />
            </label>
          ) : null}
          {spec.kind === 'scatter'
            ? wholeNumber(
                `Point budget (sampled above; 10–${MAX_POINT_BUDGET})`,
                spec.pointBudget ?? DEFAULT_POINT_BUDGET,
                10,
                MAX_POINT_BUDGET,
                (pointBudget) => setSpec((s) => ({ ...s, pointBudget })),
              )
            : null}
          {spec.kind === 'pie' ? (
            <label className="row small gap-2">
              <input
                type="checkbox"
                disabled={readOnly}
                checked={spec.donut !== false}
                onChange={(e) => setSpec((s) => ({ ...s, donut: e.target.checked ? undefined : false }))}
              />
              A ring (donut); unticked, a whole pie
            </label>
          ) : null}
          <ChartMeasures
            measures={spec.y}
            columns={columns}
            readOnly={readOnly}
            addBlocked={measuresBlocked(spec)}
            onChange={(y) => setSpec((s) => ({ ...s, y }))}
          />
          {DIMENSIONS.slice(1).map(dimensionFields)}
          {spec.facet
            ? wholeNumber(
                `Small multiples drawn (1–${MAX_FACETS})`,
                spec.facet.max ?? DEFAULT_FACETS,
                1,
                MAX_FACETS,
                (max) => setSpec((s) => (s.facet ? { ...s, facet: { ...s.facet, max } } : s)),
              )
            : null}
          <label className="field">
            <span>Top N (0: all)</span>
            <input
              type="number"
              min={0}
              disabled={readOnly}
              value={spec.top?.n ?? 0}
              onChange={(e) => {
                const n = Number(e.target.value);
                setSpec((s) => ({ ...s, top: n > 0 ? { n, others: s.top?.others ?? true } : undefined }));
              }}
            />
          </label>
          {spec.top ? (
            <label className="row small gap-2">
              <input
                type="checkbox"
                disabled={readOnly}
                checked={spec.top.others}
                onChange={(e) =>
                  setSpec((s) => ({ ...s, top: s.top ? { ...s.top, others: e.target.checked } : undefined }))
                }
              />
              Gather the rest in “Others”
            </label>
          ) : null}
          {select(
            'Sort',
            spec.sort ? `${spec.sort.by}:${spec.sort.desc ? 'desc' : 'asc'}` : '',
            SORTS,
            (v) =>
              setSpec((s) => {
                if (!v) return omitSort(s);
                const [by, dir] = v.split(':') as ['x' | 'y', string];
                return { ...s, sort: { by, desc: dir === 'desc' } };
              }),
            'as the engine answers',
          )}
          <InsightFilters
            filters={spec.filters}
            columns={columns}
            readOnly={readOnly}
            onChange={(filters) => setSpec((s) => ({ ...s, filters }))}
          />
        </form>
        <section className="card stack chart-preview" aria-label="Preview">
          {error ? <ErrorAlert error={error} /> : null}
          {!ready ? <p className="muted">Pick a dataset and an x column to see the chart.</p> : null}
          {ready && preview ? (
            <>
              <InsightView
                insight={{ id: insightId, name: name || 'Preview', type: 'chart', chart: spec }}
                data={preview}
              />
              <div className="small muted">
                {preview.rows.length} rows{preview.sampled ? ` · ${preview.sampling}` : ''}
                {preview.truncated ? ' · truncated to the row budget' : ''}
                {facetsLeftOutNote(preview) ? ` · ${facetsLeftOutNote(preview)}` : ''}
              </div>
              <details>
                <summary>SQL</summary>
                <pre className="mono small wrap">{preview.sql}</pre>
              </details>
            </>
          ) : null}
        </section>
      </div>
      {!isNew ? (
        <CardSection title="History">
          <ObjectHistory
            key={stored.data?.revision}
            projectKey={key}
            kind="insight"
            name={id}
            onReverted={stored.reload}
          />
        </CardSection>
      ) : null}
    </div>
  );
}
