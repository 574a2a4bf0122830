import { ApiError, projectApi } from '../../api/client';
import type { Dataset, ListedPartition, Partitioning } from '../../api/types';
import { ErrorAlert, Loading } from '../../components/ui';
import { useApi } from '../../lib/use-api';
import { PartitioningForm } from './partitioning-form';
import { PartitionList } from './partition-list';

/** The dataset's partitioning (declared here) and, once partitioned, its partitions and their builds. */
export function PartitionsTab({ projectKey, name, dataset }: { projectKey: string; name: string; dataset?: Dataset }) {
  const declared = useApi<Partitioning>(projectApi(projectKey, 'datasets', name, 'partitioning'));
  // 404: not partitioned, which the form shows as such.
  const notPartitioned = declared.error instanceof ApiError && declared.error.status === 404;
  const partitioning = notPartitioned ? null : declared.data;
  const partitions = useApi<ListedPartition[]>(
    partitioning ? projectApi(projectKey, 'datasets', name, 'partitions') : null,
  );
  if (declared.error && !notPartitioned) return <ErrorAlert error={declared.error} onRetry={declared.reload} />;
  if (partitioning === undefined || !dataset) return <Loading />;
  return (
    <div className="stack">
      <PartitioningForm
        projectKey={projectKey}
        dataset={name}
        columns={dataset.columns ?? []}
        partitioning={partitioning}
        onChanged={(p) => {
          if (p) declared.setData(p);
          declared.reload();
          partitions.reload();
        }}
      />
      {partitioning ? (
        <PartitionList projectKey={projectKey} dataset={name} producedBy={dataset.producedBy} partitions={partitions} />
      ) : null}
    </div>
  );
}
