import { projectApi } from '../api/client';
import { useApi } from '../lib/use-api';
import { EmptyState, ErrorAlert, Loading } from './ui';

/** Metrics and checks of a dataset with their history (the quality API). */
export function QualityPanel({ projectKey, dataset }: { projectKey: string; dataset: string }) {
  const metrics = useApi<unknown>(projectApi(projectKey, 'datasets', dataset, 'metrics'));
  if (metrics.error) {
    const status = (metrics.error as { status?: number }).status;
    return status === 404 ? <EmptyState title="Metrics and checks are not available">This server has no quality API yet.</EmptyState> : <ErrorAlert error={metrics.error} />;
  }
  if (metrics.data === undefined) return <Loading />;
  return <pre className="log">{JSON.stringify(metrics.data, null, 2)}</pre>;
}
