import type { Dataset } from '../../api/types';
import { Table } from '../../components/table';
import { EmptyState } from '../../components/ui';

/** The dataset's columns with their types. */
export function SchemaTab({ dataset }: { dataset: Dataset }) {
  if (!dataset.columns?.length)
    return <EmptyState title="No schema yet">The schema is known once the dataset has data.</EmptyState>;
  return (
    <Table
      card
      rows={dataset.columns}
      rowKey={(c) => c.name}
      columns={[
        { header: '#', numeric: true, className: 'muted', cell: (_, i) => i + 1 },
        { header: 'Column', cell: (c) => <strong>{c.name}</strong> },
        { header: 'Type', className: 'mono', cell: (c) => c.type },
        { header: 'Nullable', cell: (c) => (c.nullable === false ? 'no' : 'yes') },
      ]}
    />
  );
}
