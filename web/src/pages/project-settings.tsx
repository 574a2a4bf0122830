import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { Dataset, Project, Recipe, Scenario } from '../api/types';
import { ActionButton } from '../components/can';
import { useConfirm } from '../components/confirm-dialog';
import { projectPath } from '../components/layout';
import { Async, CardSection, ErrorAlert, Notice, PageHeader } from '../components/ui';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';
import { useUnsavedChangesGuard } from '../lib/use-unsaved-changes-guard';
import { ExportProject } from './project-transfer';
import { CodeEnvironmentsEditor } from './project-settings/code-environments';
import { VariablesEditor } from './project-settings/variables-editor';

const splitTags = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** The project's name, description and tags, its variables, and deleting it. */
export default function ProjectSettingsPage() {
  const { key = '' } = useParams();
  const project = useApi<Project>(projectApi(key));
  return (
    <>
      <PageHeader
        title="Project settings"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        subtitle="Name, description and tags; variables that scenarios and recipes read; code environments; deleting the project"
      />
      <Async state={project}>
        {(p) => (
          <div className="stack">
            <DetailsForm project={p} onSaved={project.setData} />
            <VariablesEditor projectKey={key} />
            <CodeEnvironmentsEditor projectKey={key} />
            {p.role === 'admin' ? <ExportProject projectKey={key} /> : null}
            <DeleteProject project={p} />
          </div>
        )}
      </Async>
    </>
  );
}

function DetailsForm({ project, onSaved }: { project: Project; onSaved: (p: Project) => void }) {
  const can = useCan('admin');
  const [form, setForm] = useState({
    name: project.name,
    description: project.description,
    tags: project.tags.join(', '),
  });
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const dirty =
    form.name !== project.name ||
    form.description !== project.description ||
    splitTags(form.tags).join(',') !== project.tags.join(',');
  const confirm = useConfirm();
  useUnsavedChangesGuard(dirty, confirm.ask, 'the project details');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const saved = await api.patch<Project>(projectApi(project.key), {
        name: form.name,
        description: form.description,
        tags: splitTags(form.tags),
      });
      onSaved(saved);
      setNotice('Saved the project details.');
    } catch (err) {
      setError(err);
    }
  };
  return (
    <CardSection title="Details">
      {confirm.dialog}
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <fieldset className="stack plain-fieldset" disabled={can.ok === false}>
          <label className="field">
            Name
            <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </label>
          <label className="field">
            Description
            <textarea
              rows={3}
              value={form.description}
              onChange={(e) => setForm({ ...form, description: e.target.value })}
            />
          </label>
          <label className="field">
            Tags
            <span className="hint">Separated by commas, e.g. qa, science</span>
            <input value={form.tags} onChange={(e) => setForm({ ...form, tags: e.target.value })} />
          </label>
        </fieldset>
        <div className="row">
          <ActionButton can={can} type="submit" className="btn primary" disabled={!dirty}>
            Save details
          </ActionButton>
          {can.ok === false ? <span className="small muted">{can.reason}</span> : null}
        </div>
        <ErrorAlert error={error} title="Could not save" />
        <Notice text={notice} />
      </form>
    </CardSection>
  );
}

function DeleteProject({ project }: { project: Project }) {
  const can = useCan('admin');
  const confirm = useConfirm();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const start = async () => {
    setError(null);
    try {
      const [datasets, recipes, scenarios] = await Promise.all([
        api.get<Dataset[]>(projectApi(project.key, 'datasets')),
        api.get<Recipe[]>(projectApi(project.key, 'recipes')),
        api.get<Scenario[]>(projectApi(project.key, 'scenarios')),
      ]);
      const ok = await confirm.ask({
        title: `Delete project ${project.key}?`,
        body: (
          <ul>
            <li>
              {datasets.length} datasets with all their data, {recipes.length} recipes and {scenarios.length} scenarios
              are deleted.
            </li>
            <li>Its jobs, scenario runs, variables, connections and members go too.</li>
            <li>This cannot be undone.</li>
          </ul>
        ),
        confirm: 'Delete project',
        danger: true,
      });
      if (!ok) return;
      await api.del(projectApi(project.key));
      void navigate('/', { replace: true });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <CardSection title="Delete the project">
      <div className="row">
        <ActionButton can={can} className="btn danger" onClick={() => void start()}>
          Delete project
        </ActionButton>
        <span className="small muted">{can.ok === false ? can.reason : 'Deletes everything in it.'}</span>
      </div>
      <ErrorAlert error={error} title="Could not delete the project" />
      {confirm.dialog}
    </CardSection>
  );
}
