import { Link } from 'react-router-dom';
import { Table, type Column } from '../../components/table';
import { ErrorAlert, Loading } from '../../components/ui';
import type { ApiState } from '../../lib/use-api';

/** A card listing some of the project's objects, with loading, error and empty states. */
export function ListSection<T>({
  title,
  to,
  state,
  empty,
  rowKey,
  columns,
}: {
  title: string;
  to: string;
  state: ApiState<T[]>;
  empty: React.ReactNode;
  rowKey: (item: T) => string;
  columns: Column<T>[];
}) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-header">
        <h2>
          {title}
          {state.data ? <span className="muted"> · {state.data.length}</span> : null}
        </h2>
        <Link to={to} className="small">
          View all
        </Link>
      </div>
      <div className="card-body flush">
        {state.error ? (
          <ErrorAlert error={state.error} />
        ) : !state.data ? (
          <Loading />
        ) : state.data.length === 0 ? (
          empty
        ) : (
          <Table headless rows={state.data.slice(0, 8)} rowKey={rowKey} columns={columns} />
        )}
      </div>
    </section>
  );
}

/** How many objects of a kind the project has: "…" while loading, "—" when they could not be read. */
export function StatTile({
  label,
  state,
}: {
  label: string;
  state: { data: readonly unknown[] | undefined; error: unknown };
}) {
  return (
    <div className="stat-tile">
      <div className="label">{label}</div>
      <div className="value">{state.data ? state.data.length : state.error ? '—' : '…'}</div>
    </div>
  );
}
