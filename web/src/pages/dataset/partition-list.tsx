import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api, projectApi } from '../../api/client';
import type { ListedPartition } from '../../api/types';
import { ReadOnlyNotice } from '../../components/can';
import { useConfirm } from '../../components/confirm-dialog';
import { JobProgress } from '../../components/job-progress';
import { Table } from '../../components/table';
import { CardSection, ErrorAlert, StatusBadge } from '../../components/ui';
import { formatCount, formatDateTime, formatRelative, plural } from '../../lib/format';
import { filterPartitions, idsInRange, stateLabel, toggleSelection } from '../../lib/partition-selection';
import type { ApiState } from '../../lib/use-api';
import { useInterval } from '../../lib/use-api';
import { useCan } from '../../lib/use-can';

/** Rows per page: a year of days is eight pages, each light to draw on a phone. */
const PAGE_SIZE = 50;

/** Today in UTC as YYYY-MM-DD, the default of "Rebuild failed since". */
const today = () => new Date().toISOString().slice(0, 10);

/**
 * The partitions of a partitioned dataset: state, rows, last build and checks, filtered and
 * paged; a writer selects some (tick, shift-click, FROM..TO) and builds them, backfills the
 * missing ones or rebuilds the failed ones, and follows the build here.
 */
export function PartitionList({
  projectKey,
  dataset,
  producedBy,
  partitions,
}: {
  projectKey: string;
  dataset: string;
  /** The recipe writing the dataset; without one, partitions are only read. */
  producedBy: string | null;
  partitions: ApiState<ListedPartition[]>;
}) {
  const can = useCan('write');
  const confirm = useConfirm();
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const anchor = useRef<number | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [since, setSince] = useState(today);
  const [jobId, setJobId] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const all = useMemo(() => partitions.data ?? [], [partitions.data]);
  const shown = useMemo(() => filterPartitions(all, filter), [all, filter]);
  const shownIds = useMemo(() => shown.map((p) => p.id), [shown]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const rows = shown.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const count = (state: string) => all.filter((p) => p.state === state).length;
  const canBuild = can.ok === true && producedBy !== null;
  // While a build runs, the states change under it: refresh them now and then.
  useInterval(partitions.reload, 2000, running);

  const build = async (partitionSelectors: string | string[]) => {
    setError(null);
    try {
      const started = await api.post<{ jobId: string }>(projectApi(projectKey, 'builds'), {
        targets: [{ dataset, partitions: partitionSelectors }],
        mode: 'only',
      });
      setJobId(started.jobId);
      setRunning(true);
      // What was selected is now being built: the next selection starts afresh.
      setSelected(new Set());
      anchor.current = null;
    } catch (err) {
      setError(err);
    }
  };
  const rebuildAll = async () => {
    const ok = await confirm.ask({
      title: `Rebuild all ${plural(all.length, 'partition')} of ${dataset}?`,
      body: (
        <>
          Every partition is built again, {plural(count('ready'), 'up-to-date one')} included; datasets read from them
          become stale.
        </>
      ),
      confirm: `Rebuild ${plural(all.length, 'partition')}`,
      danger: true,
    });
    if (ok) await build('all');
  };
  const selectRange = (e: FormEvent) => {
    e.preventDefault();
    setSelected(new Set([...selected, ...idsInRange(shownIds, from, to)]));
  };
  const allShownSelected = shown.length > 0 && shown.every((p) => selected.has(p.id));

  return (
    <CardSection
      title="Partitions"
      extra={
        <span className="small muted">
          {plural(all.length, 'partition')} · {count('ready')} built · {count('stale')} stale · {count('missing')}{' '}
          missing · {count('failed')} failed
        </span>
      }
    >
      {confirm.dialog}
      <div className="stack">
        {producedBy === null ? (
          <p className="small muted" role="note">
            No recipe writes this dataset: its partitions are those found in its data.
          </p>
        ) : (
          <ReadOnlyNotice can={can} what="the partitions" />
        )}
        <div className="row">
          <label className="field">
            Filter
            <input
              type="search"
              className="input-m"
              placeholder="2024-10 or failed…"
              value={filter}
              onChange={(e) => {
                setFilter(e.target.value);
                setPage(0);
              }}
            />
          </label>
          {canBuild ? (
            <form className="row" onSubmit={selectRange} aria-label="Select a range">
              <label className="field">
                From
                <input
                  className="input-s"
                  placeholder="2024-10-01"
                  value={from}
                  onChange={(e) => setFrom(e.target.value)}
                />
              </label>
              <label className="field">
                To
                <input
                  className="input-s"
                  placeholder="2024-10-07"
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                />
              </label>
              <button type="submit" className="btn small" disabled={!from || !to}>
                Select range
              </button>
            </form>
          ) : null}
        </div>
        {canBuild ? (
          <div className="row" role="group" aria-label="Build partitions">
            <button
              type="button"
              className="btn primary"
              disabled={selected.size === 0 || running}
              onClick={() => void build([...selected])}
            >
              Build selected ({formatCount(selected.size)})
            </button>
            <button
              type="button"
              className="btn"
              disabled={count('missing') === 0 || running}
              onClick={() => void build('missing')}
            >
              Backfill missing ({formatCount(count('missing'))})
            </button>
            <span className="row gap-2">
              <button
                type="button"
                className="btn"
                disabled={!since || running}
                onClick={() => void build(`failed-since:${since}`)}
              >
                Rebuild failed since
              </button>
              <input type="date" aria-label="Failed since" value={since} onChange={(e) => setSince(e.target.value)} />
            </span>
            <button
              type="button"
              className="btn"
              disabled={all.length === 0 || running}
              onClick={() => void rebuildAll()}
            >
              Rebuild all
            </button>
            {selected.size ? (
              <button type="button" className="btn ghost small" onClick={() => setSelected(new Set())}>
                Clear selection
              </button>
            ) : null}
          </div>
        ) : null}
        <ErrorAlert error={error} title="Could not start the build" />
        {jobId ? (
          <JobProgress
            key={jobId}
            projectKey={projectKey}
            jobId={jobId}
            onEnd={() => {
              setRunning(false);
              partitions.reload();
            }}
          />
        ) : null}
        <ErrorAlert error={partitions.error} onRetry={partitions.reload} />
        <Table
          small
          label="Partitions"
          rows={rows}
          rowKey={(p) => p.id}
          empty={
            <p className="muted">
              {all.length ? 'No partition matches the filter.' : 'No partitions yet: they appear with the input data.'}
            </p>
          }
          columns={[
            ...(canBuild
              ? [
                  {
                    id: 'select',
                    header: (
                      <input
                        type="checkbox"
                        aria-label="Select every partition shown"
                        checked={allShownSelected}
                        onChange={() =>
                          setSelected(
                            allShownSelected
                              ? new Set([...selected].filter((id) => !shownIds.includes(id)))
                              : new Set([...selected, ...shownIds]),
                          )
                        }
                      />
                    ),
                    cell: (p: ListedPartition) => {
                      const index = shownIds.indexOf(p.id);
                      return (
                        <input
                          type="checkbox"
                          aria-label={`Select partition ${p.id}`}
                          checked={selected.has(p.id)}
                          onChange={() => undefined}
                          onClick={(e) => {
                            setSelected(toggleSelection(selected, shownIds, index, anchor.current, e.shiftKey));
                            anchor.current = index;
                          }}
                        />
                      );
                    },
                  },
                ]
              : []),
            { header: 'Partition', cell: (p) => <span className="mono">{p.id}</span> },
            {
              header: 'State',
              cell: (p) => <StatusBadge status={p.state} label={stateLabel(p.state)} />,
            },
            { header: 'Rows', numeric: true, cell: (p) => (p.rows === null ? '—' : formatCount(p.rows)) },
            {
              header: 'Last build',
              className: 'small',
              title: (p) => formatDateTime(p.builtAt),
              cell: (p) => (p.builtAt ? formatRelative(p.builtAt) : '—'),
            },
            {
              header: 'Checks',
              title: (p) =>
                p.checks?.failed.map((f) => `${f.check}: ${f.message}`).join('\n') ||
                (p.checks ? `checked ${formatDateTime(p.checks.runAt)}` : undefined),
              cell: (p) => (p.checks ? <StatusBadge status={p.checks.outcome} /> : <span className="muted">—</span>),
            },
            // A failed partition's error, or why a stale one must be built again (`library bands.py changed`).
            { header: 'Error or reason', className: 'small', cell: (p) => p.error ?? p.reason ?? '' },
          ]}
        />
        {pages > 1 ? (
          <nav className="row" aria-label="Partition pages">
            <button type="button" className="btn small" disabled={current === 0} onClick={() => setPage(current - 1)}>
              Previous
            </button>
            <span className="small">
              Page {current + 1} of {pages} ({formatCount(current * PAGE_SIZE + 1)}–
              {formatCount(Math.min(shown.length, (current + 1) * PAGE_SIZE))} of {formatCount(shown.length)})
            </span>
            <button
              type="button"
              className="btn small"
              disabled={current >= pages - 1}
              onClick={() => setPage(current + 1)}
            >
              Next
            </button>
          </nav>
        ) : null}
      </div>
    </CardSection>
  );
}
