import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError, projectApi } from '../api/client';
import type { Dataset, Recipe } from '../api/types';
import { uploadFile, type UploadProgress } from '../api/upload';
import { formatBytes, formatCount } from '../lib/format';
import { nameFromFileName, OBJECT_NAME } from '../lib/names';
import { headerColumns, uploadImpact, type UploadImpact } from '../lib/upload-impact';
import { useConfirm } from './confirm-dialog';
import { DialogButtons, ErrorAlert, Modal, ProgressBar } from './ui';

/**
 * Uploads a CSV/TSV/Parquet/JSON-lines file as a new dataset (or a new version of
 * `fixedName`), with a progress bar while sending and while the server imports.
 */
export function UploadDialog({
  projectKey,
  open,
  onClose,
  onDone,
  fixedName,
}: {
  projectKey: string;
  open: boolean;
  onClose: () => void;
  onDone: (d: Dataset) => void;
  fixedName?: string;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState(fixedName ?? '');
  const [format, setFormat] = useState('auto');
  const [delimiter, setDelimiter] = useState('');
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<unknown>(null);
  const abort = useRef<AbortController | null>(null);
  const confirm = useConfirm();

  /** For a name already taken: what replacing its data changes; null for a new dataset. */
  const impactOf = async (f: File): Promise<{ impact: UploadImpact; current: Dataset } | null> => {
    let current: Dataset;
    try {
      current = await api.get<Dataset>(projectApi(projectKey, 'datasets', name));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
    const recipes = await api.get<Recipe[]>(projectApi(projectKey, 'recipes'));
    const fileColumns = headerColumns(await f.slice(0, 65536).text(), f.name, delimiter);
    return {
      current,
      impact: uploadImpact(
        name,
        (current.columns ?? []).map((c) => c.name),
        fileColumns,
        recipes,
      ),
    };
  };

  const reset = () => {
    setFile(null);
    setName(fixedName ?? '');
    setProgress(null);
    setError(null);
  };
  const close = () => {
    abort.current?.abort();
    reset();
    onClose();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    try {
      const found = await impactOf(file);
      if (found && !(await confirm.ask(replaceQuestion(name, found.current, found.impact)))) return;
    } catch (err) {
      setError(err);
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    // The file itself is the body (see uploadFile): its name, whose extension tells the format, goes along.
    const query = new URLSearchParams({ filename: file.name });
    if (format !== 'auto') query.set('format', format);
    if (delimiter) query.set('delimiter', delimiter === '\\t' ? '\t' : delimiter);
    const url = `${projectApi(projectKey, 'datasets', name, 'upload')}?${query}`;
    try {
      setProgress({ loaded: 0, total: file.size, fraction: 0, phase: 'sending' });
      const d = await uploadFile<Dataset>(url, file, setProgress, controller.signal, { asBody: true });
      reset();
      onDone(d);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setError(err);
      setProgress(null);
    } finally {
      abort.current = null;
    }
  };

  const nameValid = OBJECT_NAME.test(name);
  const busy = progress !== null;
  return (
    <Modal
      open={open}
      title={fixedName ? `Upload a new version of ${fixedName}` : 'Upload a file as a dataset'}
      onClose={close}
    >
      {confirm.dialog}
      <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Upload">
        <ErrorAlert error={error} title="Upload failed" />
        <label className="field">
          File <span className="hint">CSV, TSV, Parquet, JSON or JSON lines; CSV and JSON may be .gz or .zst</span>
          <input
            type="file"
            name="file"
            accept=".csv,.tsv,.txt,.parquet,.json,.jsonl,.ndjson,.gz,.zst"
            required
            disabled={busy}
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              setFile(f);
              if (f && !fixedName) setName(nameFromFileName(f.name));
            }}
          />
        </label>
        {!fixedName ? (
          <label className="field">
            Dataset name
            <input
              name="dataset"
              required
              value={name}
              disabled={busy}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={name !== '' && !nameValid}
            />
            {name && !nameValid ? (
              <span className="hint text-bad">Letters, digits and underscores, starting with a letter</span>
            ) : null}
          </label>
        ) : null}
        <div className="row">
          <label className="field grow">
            Format
            <select value={format} onChange={(e) => setFormat(e.target.value)} disabled={busy}>
              <option value="auto">Detect</option>
              <option value="csv">CSV</option>
              <option value="tsv">TSV</option>
              <option value="parquet">Parquet</option>
              <option value="json">JSON</option>
              <option value="jsonl">JSON lines</option>
            </select>
          </label>
          <label className="field grow">
            Delimiter <span className="hint">Empty: detect</span>
            <input
              value={delimiter}
              onChange={(e) => setDelimiter(e.target.value)}
              disabled={busy}
              placeholder=", ; | \t"
            />
          </label>
        </div>
        {progress ? (
          <div className="stack gap-2">
            <ProgressBar
              fraction={progress.fraction}
              indeterminate={progress.phase === 'importing'}
              label="Upload progress"
            />
            <div className="small muted" aria-live="polite">
              {progress.phase === 'sending'
                ? `Sending ${formatBytes(progress.loaded)} of ${formatBytes(progress.total)} (${Math.round(progress.fraction * 100)}%)`
                : 'Importing into Parquet…'}
            </div>
          </div>
        ) : file ? (
          <div className="small muted">
            {file.name} · {formatBytes(file.size)}
          </div>
        ) : null}
        <DialogButtons onCancel={close} submit="Upload" disabled={!file || !nameValid || busy} />
      </form>
    </Modal>
  );
}

/** The question asked before an upload replaces a dataset's data: what changes, what breaks. */
function replaceQuestion(name: string, current: Dataset, impact: UploadImpact) {
  const { added, removed, readers, breaks } = impact;
  return {
    title: `Replace the data of ${name}?`,
    confirm: 'Replace data',
    danger: breaks.length > 0,
    body: (
      <ul className="stack gap-2">
        <li>
          {name} has {current.currentVersion ? `${formatCount(current.rowCount ?? 0)} rows` : 'no data yet'}; the upload
          becomes its new version (older versions stay listed).
        </li>
        {added === null || removed === null ? (
          <li>The columns of this file are known only once it is imported.</li>
        ) : removed.length === 0 && added.length === 0 ? (
          <li>Same columns as now.</li>
        ) : (
          <li>
            Columns
            {removed.length ? (
              <>
                {' '}
                gone: <strong className="text-bad">{removed.join(', ')}</strong>
              </>
            ) : null}
            {removed.length && added.length ? ';' : ''}
            {added.length ? <> new: {added.join(', ')}</> : null}.
          </li>
        )}
        {breaks.length ? (
          <li>
            <strong>Fails on its next build:</strong> {breaks.join(', ')} (its SQL names a column that goes).
          </li>
        ) : null}
        <li>{readers.length ? `Recipes reading it: ${readers.join(', ')}.` : 'No recipe reads it.'}</li>
      </ul>
    ),
  };
}
