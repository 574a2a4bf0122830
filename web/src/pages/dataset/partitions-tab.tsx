import { useState } from 'react';
import { ApiError, projectApi } from '../../api/client';
import type { Dataset, ListedPartition, Partitioning } from '../../api/types';
import { ErrorAlert, Loading } from '../../components/ui';
import { useApi } from '../../lib/use-api';
import { PartitioningForm } from './partitioning-form';
import { PartitionList } from './partition-list';

/** The dataset's partitioning (declared here) and, once partitioned, its partitions and their builds. */
export function PartitionsTab({ projectKey, name, dataset }: { projectKey: string; name: string; dataset?: Dataset }) {
  // Partitioned here since the page loaded (true) or no longer (false); else as the dataset says.
  const [changed, setChanged] = useState<boolean | null>(null);
  const partitioned = changed ?? dataset?.partitioned;
  const declared = useApi<Partitioning>(partitioned ? projectApi(projectKey, 'datasets', name, 'partitioning') : null);
  // Not partitioned: nothing to ask (a 404 when it stopped being so meanwhile), the form shows it as such.
  const notPartitioned = partitioned === false || (declared.error instanceof ApiError && declared.error.status === 404);
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
          setChanged(p !== null);
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
