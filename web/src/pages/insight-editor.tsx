import { Link, useParams, useSearchParams } from 'react-router-dom';
import { projectApi } from '../api/client';
import type { InsightInfo } from '../api/types';
import { projectPath } from '../components/layout';
import { ErrorAlert, Loading, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { useRight } from '../lib/use-can';
import ChartBuilderPage from './chart-builder';
import { InsightForm, type FormInsightType } from './insight-form';
import { INSIGHT_TYPE_CHOICES } from './insight-types-ui';

/**
 * `insights/:id`: the editor of the insight's type — the chart builder for charts, the insight
 * form for the others. `insights/new` first asks for the type (`?type=`); a new insight from a
 * dataset's Charts tab (`?dataset=`) is a chart unless a type is given.
 */
export default function InsightEditorPage() {
  const { key = '', id = 'new' } = useParams();
  const [search] = useSearchParams();
  const isNew = id === 'new';
  const stored = useApi<InsightInfo>(isNew ? null : projectApi(key, 'insights', id));
  if (isNew) {
    const dataset = search.get('dataset') ?? '';
    const type = search.get('type') ?? (dataset ? 'chart' : null);
    const known = INSIGHT_TYPE_CHOICES.some((c) => c.type === type);
    if (!type || !known) return <TypePicker projectKey={key} dataset={dataset} />;
    if (type === 'chart') return <ChartBuilderPage />;
    return <InsightForm key={type} projectKey={key} type={type as FormInsightType} dataset={dataset} />;
  }
  if (stored.error) return <ErrorAlert error={stored.error} onRetry={stored.reload} />;
  if (!stored.data) return <Loading />;
  if (stored.data.type === 'chart') return <ChartBuilderPage />;
  return <InsightForm key={id} projectKey={key} type={stored.data.type} stored={stored} />;
}

function TypePicker({ projectKey, dataset }: { projectKey: string; dataset: string }) {
  const can = useRight('manage-dashboards');
  const suffix = dataset ? `&dataset=${encodeURIComponent(dataset)}` : '';
  return (
    <div className="stack">
      <PageHeader
        title="New insight"
        breadcrumbs={<Link to={projectPath(projectKey, 'dashboards')}>Dashboards</Link>}
      />
      {can.ok === false ? <p className="muted">{can.reason}</p> : <p className="muted">What should it show?</p>}
      <ul className="insight-type-picker" aria-label="Insight types">
        {INSIGHT_TYPE_CHOICES.map((c) => (
          <li key={c.type}>
            <Link className="card" to={`${projectPath(projectKey, 'insights', 'new')}?type=${c.type}${suffix}`}>
              <strong>{c.label}</strong>
              <span className="small muted">{c.about}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
