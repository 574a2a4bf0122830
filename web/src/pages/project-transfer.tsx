import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { uploadFile } from '../api/upload';
import { CardSection, DialogButtons, ErrorAlert, Modal } from '../components/ui';
import { ActionButton } from '../components/can';
import { useCanCreateProjects } from '../lib/use-can';

/** Project settings: download the project as a ZIP of readable files (project admins). */
export function ExportProject({ projectKey }: { projectKey: string }) {
  const [data, setData] = useState(false);
  const [revisions, setRevisions] = useState(false);
  const href = `/api/projects/${encodeURIComponent(projectKey)}/export?data=${data}&revisions=${revisions}`;
  return (
    <CardSection title="Export">
      <p className="small muted">
        A ZIP of readable files (one JSON per object, SQL beside its recipe), to keep in git or import into another
        Llano. Secrets are left out.
      </p>
      <div className="row">
        <label>
          <input type="checkbox" checked={data} onChange={(e) => setData(e.target.checked)} /> with data (Parquet)
        </label>
        <label>
          <input type="checkbox" checked={revisions} onChange={(e) => setRevisions(e.target.checked)} /> with every
          revision
        </label>
        <a className="btn" href={href} download={`${projectKey}.zip`}>
          Export project
        </a>
      </div>
    </CardSection>
  );
}

/** Projects page: create a project from an exported ZIP, under its key or a new one. */
export function ImportProjectButton() {
  const canCreate = useCanCreateProjects();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const navigate = useNavigate();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await uploadFile<{ key: string }>(
        `/api/projects/import${key.trim() ? `?key=${encodeURIComponent(key.trim())}` : ''}`,
        file,
        () => undefined,
      );
      void navigate(`/projects/${encodeURIComponent(r.key)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <ActionButton can={canCreate} className="btn" onClick={() => setOpen(true)}>
        Import project
      </ActionButton>
      {open ? (
        <Modal open title="Import a project" onClose={() => setOpen(false)}>
          <form onSubmit={(e) => void submit(e)} className="stack">
            <label>
              Exported ZIP{' '}
              <input type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </label>
            <label>
              New key (empty: the exported one){' '}
              <input value={key} onChange={(e) => setKey(e.target.value)} placeholder="ALMA_OPS_COPY" />
            </label>
            <ErrorAlert error={error} title="Could not import the project" />
            <DialogButtons
              onCancel={() => setOpen(false)}
              submit={busy ? 'Importing…' : 'Import'}
              disabled={!file || busy}
            />
          </form>
        </Modal>
      ) : null}
    </>
  );
}
