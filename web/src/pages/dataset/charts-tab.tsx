import { Link } from 'react-router-dom';
import { projectApi } from '../../api/client';
import type { InsightInfo } from '../../api/types';
import { projectPath } from '../../components/layout';
import { CardSection, EmptyState, ErrorAlert, Loading } from '../../components/ui';
import { useApi } from '../../lib/use-api';
import { useRight } from '../../lib/use-can';

/** The insights drawn from this dataset, and a way to build a new one on it. */
export default function ChartsTab({ projectKey, dataset }: { projectKey: string; dataset: string }) {
  const insights = useApi<InsightInfo[]>(projectApi(projectKey, 'insights'));
  const canEdit = useRight('manage-dashboards').ok;
  const mine = insights.data?.filter((i) => i.dataset === dataset) ?? [];
  return (
    <CardSection
      title="Charts"
      extra={
        canEdit ? (
          <Link
            className="btn primary"
            to={`${projectPath(projectKey, 'insights', 'new')}?dataset=${encodeURIComponent(dataset)}`}
          >
            New chart
          </Link>
        ) : null
      }
    >
      {insights.error ? <ErrorAlert error={insights.error} onRetry={insights.reload} /> : null}
      {!insights.data ? (
        <Loading />
      ) : mine.length === 0 ? (
        <EmptyState title="No charts of this dataset">
          Charts are aggregated in the engine: build one from its columns.
        </EmptyState>
      ) : (
        <ul className="plain-list">
          {mine.map((i) => (
            <li key={i.id}>
              <Link to={projectPath(projectKey, 'insights', i.id)}>{i.name}</Link>{' '}
              <span className="muted small">{i.type === 'chart' ? `${i.chart?.kind} chart` : i.type}</span>
            </li>
          ))}
        </ul>
      )}
    </CardSection>
  );
}
