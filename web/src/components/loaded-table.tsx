import type { ApiState } from '../lib/use-api';
import { Table, type TableProps } from './table';
import { Async } from './ui';

/** A list loaded with useApi as a table in a card: a spinner while loading, the error with Retry, the empty state, the rows. */
export function LoadedTable<T>({
  state,
  loading,
  ...table
}: Omit<TableProps<T>, 'rows' | 'card'> & { state: ApiState<T[]>; loading: string }) {
  return (
    <Async state={state} label={loading}>
      {(rows) => <Table card rows={rows} {...table} />}
    </Async>
  );
}
