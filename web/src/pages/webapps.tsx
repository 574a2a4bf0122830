import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, apiPath, projectApi } from '../api/client';
import type { Dataset, WebappInfo, WebappTemplate } from '../api/types';
import { projectPath } from '../components/layout';
import { CardSection, DialogButtons, EmptyState, ErrorAlert, Loading, Modal, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';

/** Webapps of a project: open them, and (writers) start one from a template. */
export default function WebappsPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const canEdit = useProjectRole('writer');
  const webapps = useApi<WebappInfo[]>(projectApi(key, 'webapps'));
  const [creating, setCreating] = useState(false);

  return (
    <div className="stack">
      <PageHeader
        title="Webapps"
        actions={
          canEdit ? (
            <button type="button" className="btn primary" onClick={() => setCreating(true)}>
              New webapp
            </button>
          ) : null
        }
      />
      <CardSection title="Webapps">
        {webapps.error ? <ErrorAlert error={webapps.error} onRetry={webapps.reload} /> : null}
        {!webapps.data ? (
          <Loading />
        ) : webapps.data.length === 0 ? (
          <EmptyState title="No webapps">
            Interactive pages over this project&apos;s datasets, with an optional backend or a Python (Flask) app.
          </EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Webapp</th>
                <th>Kind</th>
                <th>Files</th>
                <th>Changed</th>
                <th>Open</th>
              </tr>
            </thead>
            <tbody>
              {webapps.data.map((w) => (
                <tr key={w.id}>
                  <td>
                    <Link to={projectPath(key, 'webapps', w.id)}>{w.name}</Link>
                  </td>
                  <td className="muted">
                    {w.kind === 'python' ? 'Python' : w.kind === 'react' ? 'React' : 'HTML + JS'}
                  </td>
                  <td className="num">{Object.keys(w.files).length}</td>
                  <td className="muted small">{formatRelative(w.updatedAt)}</td>
                  <td>
                    <a href={w.url} target="_blank" rel="noreferrer" aria-label={`Open ${w.name} in a new tab`}>
                      Open
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardSection>
      {creating ? (
        <NewWebappDialog
          projectKey={key}
          onClose={() => setCreating(false)}
          onCreated={(id) => void navigate(projectPath(key, 'webapps', id))}
        />
      ) : null}
    </div>
  );
}

function NewWebappDialog({
  projectKey,
  onClose,
  onCreated,
}: {
  projectKey: string;
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const templates = useApi<WebappTemplate[]>(apiPath('webapp-templates'));
  const datasets = useApi<Dataset[]>(projectApi(projectKey, 'datasets'));
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState('blank');
  const [dataset, setDataset] = useState('');
  const [error, setError] = useState<unknown>(null);
  const template = templates.data?.find((t) => t.id === templateId);
  const needsDataset = template?.needsDataset ?? false;

  async function create(e: React.FormEvent) {
    e.preventDefault();
    if (!template) return;
    const files = Object.fromEntries(
      Object.entries(template.files).map(([file, text]) => [file, text.replaceAll('__DATASET__', dataset)]),
    );
    try {
      await api.post(projectApi(projectKey, 'webapps'), { id, name, kind: template.kind, files });
      onCreated(id);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Modal open title="New webapp" onClose={onClose}>
      <form className="stack" onSubmit={(e) => void create(e)}>
        {error ? <ErrorAlert error={error} /> : null}
        <label className="field">
          <span>ID</span>
          <input value={id} onChange={(e) => setId(e.target.value)} placeholder="shift_efficiency" required />
        </label>
        <label className="field">
          <span>Name</span>
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Shift efficiency" required />
        </label>
        <label className="field">
          <span>Start from</span>
          <select value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.label} — {t.description}
              </option>
            ))}
          </select>
        </label>
        {needsDataset ? (
          <label className="field">
            <span>Dataset</span>
            <select value={dataset} onChange={(e) => setDataset(e.target.value)} required>
              <option value="">Choose a dataset</option>
              {(datasets.data ?? []).map((d) => (
                <option key={d.name} value={d.name}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <DialogButtons
          onCancel={onClose}
          submit="Create"
          disabled={!id || !name || !template || (needsDataset && !dataset)}
        />
      </form>
    </Modal>
  );
}
