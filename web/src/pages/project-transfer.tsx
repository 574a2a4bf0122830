import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import type { ImportResult } from '../api/types';
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
        A ZIP of readable files (one JSON per object, SQL beside its recipe, partitionings, wiki attachments,
        discussions and tags), to keep in git or import into another Llano.
      </p>
      <p className="small muted">
        Left out, and listed in the ZIP&apos;s project.json (an import shows the list): secrets (passwords, tokens,
        webhook secrets: set them again), API keys, deployed API service versions, job and scenario run history, metrics
        and check results, trigger and detector state, older dataset versions, and without the boxes below the data and
        the revisions.
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

/** After an import: what the export could not carry and who has no account here, to set up again. */
function ImportReport({ result, onOpen }: { result: ImportResult; onOpen: () => void }) {
  return (
    <div className="stack">
      <div className="alert info" role="status">
        Imported as {result.key}. Some things did not come with it: set them up again here.
      </div>
      {result.notCarried.length ? (
        <section aria-label="Not carried">
          <h3>Not carried</h3>
          <ul>
            {result.notCarried.map((n) => (
              <li key={n.what}>
                <strong>{n.what}</strong> ({n.count}): {n.note}
                {n.items?.length ? <span className="small muted"> {n.items.join(', ')}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {result.skippedMembers.length ? (
        <p>Members with no account here, not added: {result.skippedMembers.join(', ')}</p>
      ) : null}
      {result.authorsWithoutAccount.length ? (
        <p>
          Authors of attachments and discussions with no account here (kept as their names):{' '}
          {result.authorsWithoutAccount.join(', ')}
        </p>
      ) : null}
      <div className="row end">
        <button type="button" className="btn primary" onClick={onOpen}>
          Open project
        </button>
      </div>
    </div>
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
  const [result, setResult] = useState<ImportResult | null>(null);
  const navigate = useNavigate();
  const openProject = (key: string) => void navigate(`/projects/${encodeURIComponent(key)}`);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const r = await uploadFile<ImportResult>(
        `/api/projects/import${key.trim() ? `?key=${encodeURIComponent(key.trim())}` : ''}`,
        file,
        () => undefined,
      );
      // Nothing to tell: straight to the project; else the report first.
      if (r.notCarried.length || r.skippedMembers.length || r.authorsWithoutAccount.length) setResult(r);
      else openProject(r.key);
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
        <Modal open title="Import a project" onClose={() => (result ? openProject(result.key) : setOpen(false))}>
          {result ? (
            <ImportReport result={result} onOpen={() => openProject(result.key)} />
          ) : (
            <form onSubmit={(e) => void submit(e)} className="stack">
              <label>
                Exported ZIP{' '}
                <input
                  type="file"
                  accept=".zip,application/zip"
                  onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                />
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
          )}
        </Modal>
      ) : null}
    </>
  );
}
