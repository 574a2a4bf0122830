import { useMemo, useState } from 'react';
import { api, projectApi } from '../api/client';
import type { Revision } from '../api/types';
import { diffLines, revisionText } from '../lib/diff';
import { formatDateTime, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';
import { ActionButton } from './can';
import { Table } from './table';
import { Async, EmptyState, ErrorAlert, Notice } from './ui';
import { useConfirm } from './confirm-dialog';

/**
 * Revisions of a catalog object (dataset, recipe, scenario…), newest first, with the diff of
 * the selected revision against the one before it, and revert (which appends a revision).
 */
export function ObjectHistory({
  projectKey,
  kind,
  name,
  onReverted,
}: {
  projectKey: string;
  kind: string;
  name: string;
  onReverted?: () => void;
}) {
  const history = useApi<Revision[]>(projectApi(projectKey, 'history', kind, name));
  const [selected, setSelected] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canWrite = useCan('write');
  // Compare the selected revision with the one before it, or with the current one (what a revert would undo).
  const [against, setAgainst] = useState<'previous' | 'current'>('previous');
  const confirm = useConfirm();

  const revisions = useMemo(() => history.data ?? [], [history.data]);
  const current = selected ?? revisions[0]?.revision ?? null;
  const index = revisions.findIndex((r) => r.revision === current);
  const rev = index >= 0 ? revisions[index] : null;
  const base = against === 'current' ? revisions[0] : index >= 0 ? revisions[index + 1] : undefined;
  const diff = useMemo(() => (rev ? diffLines(revisionText(base?.body), revisionText(rev.body)) : []), [rev, base]);

  const revert = async (revision: number) => {
    const ok = await confirm.ask({
      title: `Revert ${kind} ${name} to revision ${revision}?`,
      body: 'This adds a new revision with the content of the old one; nothing is lost and it can be undone the same way.',
      confirm: `Revert to revision ${revision}`,
    });
    if (!ok) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await api.post(projectApi(projectKey, 'history', kind, name, 'revert'), { revision });
      setNotice(`Restored revision ${revision} as a new revision.`);
      setSelected(null);
      history.reload();
      onReverted?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      {confirm.dialog}
      <Async state={history} label="Loading history…">
        {() =>
          revisions.length === 0 ? (
            <EmptyState title="No history">This object has no recorded revision.</EmptyState>
          ) : (
            <div className="stack">
              <ErrorAlert error={error} title="Revert failed" />
              <Notice text={notice} />
              <div className="master-detail">
                <Table
                  card
                  label="Revisions"
                  rows={revisions}
                  rowKey={(r) => r.revision}
                  isSelected={(r) => r.revision === current}
                  onRowClick={(r) => setSelected(r.revision)}
                  columns={[
                    {
                      header: 'Rev.',
                      cell: (r) => (
                        <button
                          type="button"
                          className="btn ghost small"
                          onClick={() => setSelected(r.revision)}
                          aria-label={`Show revision ${r.revision}`}
                        >
                          #{r.revision}
                        </button>
                      ),
                    },
                    {
                      header: 'Change',
                      cell: (r) => (
                        <>
                          {r.action}
                          <div className="muted small" title={formatDateTime(r.createdAt)}>
                            {formatRelative(r.createdAt)}
                          </div>
                        </>
                      ),
                    },
                    { header: 'By', className: 'small', cell: (r) => r.author },
                    {
                      header: '',
                      id: 'revert',
                      cell: (r, i) =>
                        i > 0 && r.body !== null ? (
                          <ActionButton
                            can={canWrite}
                            className="btn small"
                            disabled={busy}
                            onClick={() => void revert(r.revision)}
                          >
                            Revert
                          </ActionButton>
                        ) : i === 0 ? (
                          <span className="badge ok plain">current</span>
                        ) : null,
                    },
                  ]}
                />
                <div className="stack min-w-0">
                  <div className="row small">
                    <span className="muted grow">
                      {rev
                        ? base && base !== rev
                          ? `Changes from revision ${base.revision} to revision ${rev.revision}`
                          : against === 'current'
                            ? `Revision ${rev.revision} is the current one`
                            : `Revision ${rev.revision}: first version`
                        : null}
                    </span>
                    <div className="row gap-2" role="group" aria-label="Compare with">
                      {(['previous', 'current'] as const).map((a) => (
                        <button
                          key={a}
                          type="button"
                          className={`btn small${against === a ? ' primary' : ''}`}
                          aria-pressed={against === a}
                          onClick={() => setAgainst(a)}
                        >
                          {a === 'previous' ? 'Against previous' : 'Against current'}
                        </button>
                      ))}
                    </div>
                  </div>
                  <div className="diff" aria-label="Differences" role="region" tabIndex={0}>
                    {diff.map((d, i) => (
                      <div key={i} className={d.kind}>
                        {d.kind === 'add' ? '+ ' : d.kind === 'del' ? '- ' : '  '}
                        {d.text}
                      </div>
                    ))}
                  </div>
                </div>
              </div>
            </div>
          )
        }
      </Async>
    </>
  );
}
