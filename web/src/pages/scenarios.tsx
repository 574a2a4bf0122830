import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Scenario } from '../api/types';
import { ActionButton } from '../components/can';
import { projectPath } from '../components/layout';
import { LoadedTable } from '../components/loaded-table';
import { ActiveBadge, DialogButtons, EmptyState, ErrorAlert, Modal, Notice, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { OBJECT_NAME } from '../lib/names';
import { useApi } from '../lib/use-api';
import { useCan, useRight } from '../lib/use-can';

export type ScenarioSummary = Pick<Scenario, 'id' | 'name' | 'active'>;

export default function ScenariosPage() {
  const { key = '' } = useParams();
  const scenarios = useApi<Scenario[]>(projectApi(key, 'scenarios'));
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const canWrite = useCan('write');
  const canRun = useRight('run-scenarios');

  const runNow = async (id: string) => {
    setError(null);
    setNotice(null);
    try {
      const r = await api.post<{ runId: string; status: string }>(projectApi(key, 'scenarios', id, 'run'));
      setNotice(`Started run ${r.runId} of ${id} (${r.status}).`);
    } catch (e) {
      setError(e);
    }
  };

  const newButton = (
    <ActionButton can={canWrite} className="btn primary" onClick={() => setCreating(true)}>
      New scenario
    </ActionButton>
  );
  return (
    <>
      <PageHeader
        title="Scenarios"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        subtitle="Triggers start runs; steps build, check and notify; reporters tell how it went"
        actions={newButton}
      />
      <ErrorAlert error={error} />
      <Notice text={notice} />
      <LoadedTable
        state={scenarios}
        loading="Loading scenarios…"
        rowKey={(s) => s.id}
        empty={
          <EmptyState title="No scenarios yet" actions={newButton}>
            A scenario automates work: for example, every morning at 06:00 build the flow and run its checks, and mail
            the team when it fails.
          </EmptyState>
        }
        columns={[
          {
            header: 'Scenario',
            cell: (s) => (
              <>
                <Link to={projectPath(key, 'scenarios', s.id)}>
                  <strong>{s.name || s.id}</strong>
                </Link>
                <div className="mono small muted">{s.id}</div>
              </>
            ),
          },
          { header: 'Status', cell: (s) => <ActiveBadge active={s.active} /> },
          {
            header: 'Triggers',
            className: 'small',
            cell: (s) => s.triggers.map((t) => t.type).join(', ') || <span className="muted">by hand only</span>,
          },
          { header: 'Steps', numeric: true, cell: (s) => s.steps.length },
          {
            header: 'Reporters',
            className: 'small',
            cell: (s) => s.reporters.map((r) => `${r.channel} (${r.on ?? 'failure'})`).join(', ') || '—',
          },
          { header: 'Updated', className: 'small muted', cell: (s) => formatRelative(s.updatedAt) },
          {
            header: '',
            id: 'actions',
            className: 'right',
            cell: (s) => (
              <ActionButton can={canRun} className="btn small" onClick={() => void runNow(s.id)}>
                Run now
              </ActionButton>
            ),
          },
        ]}
      />
      <NewScenarioDialog projectKey={key} open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function NewScenarioDialog({ projectKey, open, onClose }: { projectKey: string; open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const s = await api.post<Scenario>(projectApi(projectKey, 'scenarios'), {
        id,
        name: name || undefined,
        triggers: [],
        steps: [],
        reporters: [],
      });
      onClose();
      void navigate(projectPath(projectKey, 'scenarios', s.id));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Modal open={open} title="New scenario" onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <ErrorAlert error={error} />
        <label className="field">
          Id <span className="hint">Letters, digits and underscores, e.g. daily_refresh</span>
          <input
            required
            autoFocus
            value={id}
            onChange={(e) => setId(e.target.value)}
            aria-invalid={id !== '' && !OBJECT_NAME.test(id)}
          />
        </label>
        <label className="field">
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Daily refresh" />
        </label>
        <DialogButtons onCancel={onClose} submit="Create" disabled={!OBJECT_NAME.test(id)} />
      </form>
    </Modal>
  );
}
