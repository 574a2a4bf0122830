import { useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, projectApi } from '../api/client';
import type { NotebookInfo } from '../api/types';
import { uploadFile } from '../api/upload';
import { useConfirm } from '../components/confirm-dialog';
import { projectPath } from '../components/layout';
import { NewObjectDialog } from '../components/new-object-dialog';
import { CardSection, EmptyState, ErrorAlert, Loading, PageHeader } from '../components/ui';
import { formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';

const CELL_LABEL: Record<string, string> = {
  sql: 'SQL',
  typescript: 'TypeScript',
  python: 'Python',
  markdown: 'Markdown',
};

const languagesOf = (n: NotebookInfo) =>
  [...new Set(n.cells.filter((c) => c.type !== 'markdown').map((c) => CELL_LABEL[c.type]))].join(', ') || '—';

/** Notebooks of a project: writers create, import (.ipynb) and delete them here. */
export default function NotebooksPage() {
  const { key = '' } = useParams();
  const navigate = useNavigate();
  const canEdit = useProjectRole('writer');
  const notebooks = useApi<NotebookInfo[]>(projectApi(key, 'notebooks'));
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const file = useRef<HTMLInputElement>(null);
  const confirm = useConfirm();

  async function create(id: string, name: string) {
    await api.post(projectApi(key, 'notebooks'), { id, name, cells: [{ type: 'sql', source: '' }] });
    void navigate(projectPath(key, 'notebooks', id));
  }

  async function importFile(chosen: File | undefined) {
    if (!chosen) return;
    setError(null);
    const send = (fields: Record<string, string> = {}) =>
      uploadFile<NotebookInfo>(projectApi(key, 'notebooks', 'import'), chosen, () => undefined, undefined, { fields });
    try {
      let made: NotebookInfo;
      try {
        made = await send();
      } catch (err) {
        // The file's notebook id is taken: offer a copy beside it (nothing is replaced).
        if (!(err instanceof ApiError && err.status === 409)) throw err;
        const ok = await confirm.ask({
          title: 'This notebook is already in the project',
          body: `${err.message} Import ${chosen.name} as a copy beside it? The existing notebook is not changed.`,
          confirm: 'Import as a copy',
        });
        if (!ok) return;
        made = await send({ copy: 'true' });
      }
      void navigate(projectPath(key, 'notebooks', made.id));
    } catch (err) {
      setError(err);
    } finally {
      if (file.current) file.current.value = '';
    }
  }

  async function remove(n: NotebookInfo) {
    const ok = await confirm.ask({
      title: `Delete notebook ${n.name}?`,
      body: `Its ${n.cells.length} cells and their outputs go; its running kernels stop. Its history stays and it can be restored from there.`,
      confirm: 'Delete notebook',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(projectApi(key, 'notebooks', n.id));
      notebooks.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="stack">
      <PageHeader
        title="Notebooks"
        actions={
          canEdit ? (
            <>
              <label className="btn" style={{ position: 'relative' }}>
                Import .ipynb
                <input
                  ref={file}
                  type="file"
                  accept=".ipynb,application/x-ipynb+json,application/json"
                  className="visually-hidden"
                  onChange={(e) => void importFile(e.target.files?.[0])}
                />
              </label>
              <button type="button" className="btn primary" onClick={() => setCreating(true)}>
                New notebook
              </button>
            </>
          ) : null
        }
      />
      {error && !creating ? <ErrorAlert error={error} /> : null}
      <CardSection title="Notebooks">
        {notebooks.error ? <ErrorAlert error={notebooks.error} onRetry={notebooks.reload} /> : null}
        {!notebooks.data ? (
          <Loading />
        ) : notebooks.data.length === 0 ? (
          <EmptyState title="No notebooks">
            Explore the project’s datasets with SQL, TypeScript and Python cells, or import a Jupyter notebook.
          </EmptyState>
        ) : (
          <div className="table-scroll" tabIndex={0}>
            <table className="table">
              <thead>
                <tr>
                  <th>Notebook</th>
                  <th>Languages</th>
                  <th className="num">Cells</th>
                  <th>Changed</th>
                  {canEdit ? (
                    <th>
                      <span className="visually-hidden">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {notebooks.data.map((n) => (
                  <tr key={n.id}>
                    <td>
                      <Link to={projectPath(key, 'notebooks', n.id)}>{n.name}</Link>
                    </td>
                    <td className="muted">{languagesOf(n)}</td>
                    <td className="num">{n.cells.length}</td>
                    <td className="muted small">
                      {formatRelative(n.updatedAt)} by {n.updatedBy}
                    </td>
                    {canEdit ? (
                      <td>
                        <button type="button" className="btn small danger" onClick={() => void remove(n)}>
                          Delete<span className="visually-hidden"> {n.name}</span>
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </CardSection>
      {confirm.dialog}
      <NewObjectDialog
        open={creating}
        title="New notebook"
        placeholders={{ id: 'trec_qa', name: 'Trec QA' }}
        onClose={() => setCreating(false)}
        create={create}
      />
    </div>
  );
}
