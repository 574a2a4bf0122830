import { useRef, useState, type FormEvent } from 'react';
import { projectApi } from '../api/client';
import type { Dataset } from '../api/types';
import { uploadFile, type UploadProgress } from '../api/upload';
import { formatBytes } from '../lib/format';
import { nameFromFileName, OBJECT_NAME } from '../lib/names';
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
    const controller = new AbortController();
    abort.current = controller;
    const query = new URLSearchParams();
    if (format !== 'auto') query.set('format', format);
    if (delimiter) query.set('delimiter', delimiter === '\\t' ? '\t' : delimiter);
    const url = projectApi(projectKey, 'datasets', name, 'upload') + (query.size ? `?${query}` : '');
    try {
      setProgress({ loaded: 0, total: file.size, fraction: 0, phase: 'sending' });
      const d = await uploadFile<Dataset>(url, file, setProgress, controller.signal);
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
