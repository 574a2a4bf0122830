import { useState } from 'react';
import { projectApi } from '../../api/client';
import type { ListedVersion } from '../../api/types';
import { DataGrid } from '../../components/data-grid';
import { CardSection } from '../../components/ui';
import { formatCount, formatDateTime } from '../../lib/format';
import type { SortKey } from '../../lib/table-query';

/** The rows of one (old) version, in the same grid as the current data, read from that version's own file. */
export function VersionPreview({
  projectKey,
  name,
  version,
  onClose,
}: {
  projectKey: string;
  name: string;
  version: ListedVersion;
  onClose: () => void;
}) {
  const [sort, setSort] = useState<SortKey[]>([]);
  return (
    <CardSection
      title={`Rows of version ${version.seq}`}
      extra={
        <button type="button" className="btn small" onClick={onClose}>
          Close preview
        </button>
      }
    >
      <p className="small muted">
        {formatCount(version.rowCount)} rows, written {formatDateTime(version.createdAt)}
        {version.current ? ' (the current version)' : ''}.
      </p>
      <div className="data-tab-grid">
        <DataGrid
          key={version.id}
          dataUrl={projectApi(projectKey, 'datasets', name, 'versions', version.id, 'data')}
          sort={sort}
          filters={[]}
          onSortChange={setSort}
        />
      </div>
    </CardSection>
  );
}
