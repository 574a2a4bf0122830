import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Scenario } from '../api/types';
import { projectPath } from '../components/layout';
import { DeleteObjectButton } from '../components/delete-object';
import { ObjectHistory } from '../components/object-history';
import { Async, ErrorAlert, LinkTabs, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';
import { useRight } from '../lib/use-can';
import { ActionButton } from '../components/can';
import { RunsTab } from './scenario/runs-tab';
import { ScenarioEditor } from './scenario/scenario-editor';

const TABS = ['settings', 'runs', 'history'] as const;
type Tab = (typeof TABS)[number];

export default function ScenarioPage() {
  const { key = '', name: id = '', tab: rawTab } = useParams();
  const tab: Tab = (TABS as readonly string[]).includes(rawTab ?? 'settings')
    ? ((rawTab ?? 'settings') as Tab)
    : 'settings';
  const navigate = useNavigate();
  const scenario = useApi<Scenario>(projectApi(key, 'scenarios', id));
  // Running and editing need the writer role; readers see the settings and the runs.
  const canWrite = useProjectRole('writer');
  const canRun = useRight('run-scenarios');
  const [runError, setRunError] = useState<unknown>(null);
  const base = projectPath(key, 'scenarios', id);

  const runNow = async () => {
    setRunError(null);
    try {
      const r = await api.post<{ runId: string }>(projectApi(key, 'scenarios', id, 'run'));
      void navigate(`${base}/runs?run=${encodeURIComponent(r.runId)}`);
    } catch (e) {
      setRunError(e);
    }
  };

  return (
    <>
      <PageHeader
        title={scenario.data?.name || id}
        breadcrumbs={
          <>
            <Link to={projectPath(key)}>{key}</Link> / <Link to={projectPath(key, 'scenarios')}>Scenarios</Link>
          </>
        }
        subtitle={
          scenario.data
            ? `${scenario.data.active === false ? 'Inactive' : 'Active'} · runs as ${scenario.data.runAs ?? '—'} · revision ${scenario.data.revision} by ${scenario.data.updatedBy}`
            : null
        }
        actions={
          scenario.data ? (
            <>
              <ActionButton can={canRun} className="btn primary" onClick={() => void runNow()}>
                Run now
              </ActionButton>
              <DeleteObjectButton projectKey={key} kind="scenario" name={id} label={scenario.data.name || id} />
            </>
          ) : null
        }
      />
      <ErrorAlert error={runError} title="Could not start a run" />
      <LinkTabs
        label="Scenario sections"
        tabs={TABS.map((t) => ({
          to: t === 'settings' ? base : `${base}/${t}`,
          label: t === 'settings' ? 'Settings' : t === 'runs' ? 'Runs' : 'History',
        }))}
      />
      {tab === 'settings' ? (
        <Async state={scenario} back={{ to: projectPath(key, 'scenarios'), label: 'All scenarios' }}>
          {(s) => (
            <ScenarioEditor
              projectKey={key}
              scenario={s}
              readOnly={canWrite === false}
              onSaved={(saved) => scenario.setData(saved)}
              onReload={scenario.reload}
            />
          )}
        </Async>
      ) : null}
      {tab === 'runs' ? <RunsTab projectKey={key} id={id} /> : null}
      {tab === 'history' ? (
        <ObjectHistory projectKey={key} kind="scenario" name={id} onReverted={scenario.reload} />
      ) : null}
    </>
  );
}
