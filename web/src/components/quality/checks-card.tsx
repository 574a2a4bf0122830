import type { QualitySettings } from '../../api/types';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import type { ApiState } from '../../lib/use-api';
import { Table } from '../table';
import { Async, CardSection, EmptyState, StatusBadge } from '../ui';
import { checkName } from './check-name';

/** The dataset's checks with their latest outcome, then the latest results of all checks. */
export function ChecksCard({ checks }: { checks: ApiState<QualitySettings> }) {
  return (
    <CardSection title="Checks">
      <Async state={checks}>
        {(q) => {
          const lastOf = (name: string) => q.results.find((r) => r.check === name);
          return (
            <>
              <Table
                small
                label="Latest check outcomes"
                rows={q.checks}
                rowKey={(_, i) => i}
                empty={
                  <EmptyState title="No checks">
                    Add checks (row count bounds, no nulls, freshness…) with “Edit checks”.
                  </EmptyState>
                }
                columns={[
                  { header: 'Check', cell: (c) => checkName(c) },
                  {
                    header: 'Last outcome',
                    cell: (c) => {
                      const last = lastOf(checkName(c));
                      return last ? <StatusBadge status={last.outcome} /> : <span className="muted">not run</span>;
                    },
                  },
                  { header: 'Message', className: 'small', cell: (c) => lastOf(checkName(c))?.message ?? '' },
                ]}
              />
              {q.checks.length ? <CheckHistory results={q.results} /> : null}
            </>
          );
        }}
      </Async>
    </CardSection>
  );
}

/** The latest results of all checks, newest first. */
function CheckHistory({ results }: { results: QualitySettings['results'] }) {
  return (
    <>
      <h3 className="subheading">History</h3>
      <Table
        small
        headless
        label="Check history"
        rows={results.slice(0, 30)}
        rowKey={(r, i) => r.id ?? i}
        columns={[
          {
            header: 'When',
            className: 'nowrap',
            title: (r) => formatDateTime(r.runAt),
            cell: (r) => formatRelative(r.runAt),
          },
          { header: 'Check', cell: (r) => r.check },
          { header: 'Outcome', cell: (r) => <StatusBadge status={r.outcome} /> },
          { header: 'Value', numeric: true, cell: (r) => (r.value === null ? '' : formatNumber(r.value)) },
        ]}
      />
    </>
  );
}
