import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { ObjectShare, WebappInfo, WebappLogLine } from '../api/types';
import { CodeEditor } from '../components/code-editor';
import { useConfirm } from '../components/confirm-dialog';
import { projectPath } from '../components/layout';
import { LogView } from '../components/log-view';
import { SaveConflict, isSaveConflict } from '../components/save-conflict';
import { ShareButton } from '../components/share-dialog';
import { CardSection, ErrorAlert, Loading, PageError, PageHeader } from '../components/ui';
import { useApi, useInterval } from '../lib/use-api';
import { useProjectRole } from '../lib/use-project-role';
import { WebappDatasets } from './webapp-datasets';
import { WebappFileTree } from './webapp-file-tree';

/** What the viewers a webapp is shared with read through it: the datasets it declares (`datasets`), nothing else. */
const sharedDataNote = (datasets: string[] | undefined) =>
  datasets?.length
    ? `Its data calls read for them only the datasets it declares: ${datasets.join(', ')}.`
    : 'It declares no datasets ("datasets" in its definition, llano webapp update --datasets): its data calls read nothing for them.';

/**
 * One webapp: its files in CodeMirror (writers edit, readers read), a live preview that reloads
 * on each save, and the backend's or Python app's log.
 */
export default function WebappEditorPage() {
  const { key = '', id = '' } = useParams();
  const navigate = useNavigate();
  const canEdit = useProjectRole('writer') === true;
  const stored = useApi<WebappInfo>(projectApi(key, 'webapps', id));
  // The files as edited here; null: as stored (a save or a reload of someone else's version resets them).
  const [edited, setEdited] = useState<Record<string, string> | null>(null);
  const [selected, setSelected] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [previewKey, setPreviewKey] = useState(0);
  const { ask, dialog } = useConfirm();

  const files = edited ?? stored.data?.files ?? null;
  const setFiles = (update: (old: Record<string, string>) => Record<string, string>) =>
    setEdited((e) => update(e ?? stored.data?.files ?? {}));
  const dirty = stored.data && edited ? JSON.stringify(edited) !== JSON.stringify(stored.data.files) : false;

  async function save() {
    if (!stored.data || !files || !canEdit) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await api.put<WebappInfo>(projectApi(key, 'webapps', id), { ...stored.data, files });
      stored.setData(saved);
      setEdited(null);
      setPreviewKey((n) => n + 1);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  /** Changes only who it is shared with: the stored files, not unsaved edits (they stay in the editor). */
  async function share(sharing: ObjectShare[]) {
    if (!stored.data) return;
    const saved = await api.put<WebappInfo>(projectApi(key, 'webapps', id), { ...stored.data, sharing });
    stored.setData(saved);
  }

  /** Changes only the datasets its shared viewers read (the stored files, not unsaved edits). */
  async function declareDatasets(datasets: string[]) {
    if (!stored.data) return;
    const saved = await api.put<WebappInfo>(projectApi(key, 'webapps', id), { ...stored.data, datasets });
    stored.setData(saved);
  }

  async function remove() {
    const ok = await ask({
      title: `Delete webapp ${stored.data?.name ?? id}?`,
      body: 'Its page stops being served and its backend stops; its history stays.',
      confirm: 'Delete webapp',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(projectApi(key, 'webapps', id));
      void navigate(projectPath(key, 'webapps'));
    } catch (err) {
      setError(err);
    }
  }

  if (stored.error)
    return <PageError error={stored.error} back={{ to: projectPath(key, 'webapps'), label: 'Webapps' }} />;
  if (!stored.data || !files) return <Loading />;
  const names = Object.keys(files).sort();
  const current = selected in files ? selected : (names[0] ?? '');
  const url = stored.data.url;

  return (
    <div className="stack">
      {dialog}
      <PageHeader
        title={stored.data.name}
        actions={
          <>
            <a className="btn" href={url} target="_blank" rel="noreferrer">
              Open
            </a>
            <Link className="btn" to={projectPath(key, 'history', 'webapp', id)}>
              History
            </Link>
            <ShareButton
              what="webapp"
              sharing={stored.data.sharing}
              save={share}
              canChange={canEdit}
              note={sharedDataNote(stored.data.datasets)}
            />
            {canEdit ? (
              <>
                <button type="button" className="btn danger" onClick={() => void remove()}>
                  Delete
                </button>
                <button type="button" className="btn primary" disabled={!dirty || saving} onClick={() => void save()}>
                  {saving ? 'Saving…' : dirty ? 'Save' : 'Saved'}
                </button>
              </>
            ) : null}
          </>
        }
      />
      {!canEdit ? <div className="alert info">You can view this webapp; editing needs the writer role.</div> : null}
      <SaveConflict
        error={error}
        what="webapp"
        onReload={() => {
          setEdited(null);
          setError(null);
          stored.reload();
        }}
      />
      {error && !isSaveConflict(error) ? <ErrorAlert error={error} /> : null}
      <div className="webapp-editor">
        <WebappFileTree
          names={names}
          current={current}
          canEdit={canEdit}
          onSelect={setSelected}
          onAdd={(name) => {
            setFiles((f) => ({ ...f, [name]: '' }));
            setSelected(name);
          }}
          onRename={(from, to) => {
            setFiles((f) => Object.fromEntries(Object.entries(f).map(([n, text]) => [n === from ? to : n, text])));
            setSelected(to);
          }}
          onDelete={(name) => setFiles((f) => Object.fromEntries(Object.entries(f).filter(([n]) => n !== name)))}
        />
        <div className="editor-box webapp-code">
          {current ? (
            <CodeEditor
              fileName={current}
              value={files[current] ?? ''}
              onChange={(text) => setFiles((f) => ({ ...f, [current]: text }))}
              onSave={() => void save()}
              readOnly={!canEdit}
              className="code-editor"
              label={`Contents of ${current}`}
            />
          ) : (
            <p className="muted">No file selected.</p>
          )}
        </div>
      </div>
      <CardSection title="Preview">
        <iframe
          key={previewKey}
          className="webapp-preview"
          title={`Preview of ${stored.data.name}`}
          src={`${url}?revision=${stored.data.revision}`}
        />
      </CardSection>
      <WebappDatasets projectKey={key} declared={stored.data.datasets ?? []} canEdit={canEdit} save={declareDatasets} />
      {canEdit ? <WebappLog projectKey={key} id={id} /> : null}
    </div>
  );
}

/** The newest lines of the webapp's backend or Python log, refreshed while the page is open. */
function WebappLog({ projectKey, id }: { projectKey: string; id: string }) {
  const log = useApi<{ lines: WebappLogLine[]; running: { kind: string; pid: number | null }[] }>(
    projectApi(projectKey, 'webapps', id, 'logs'),
  );
  useInterval(log.reload, 3000);
  const text = (log.data?.lines ?? []).map((l) => `${l.at.slice(11, 19)} ${l.stream.padEnd(6)} ${l.line}`).join('\n');
  const running = log.data?.running ?? [];
  return (
    <CardSection
      title="Backend log"
      extra={
        <span className="muted small">
          {running.length ? `${running.length} process${running.length > 1 ? 'es' : ''} running` : 'not running'}
        </span>
      }
    >
      {log.error ? <ErrorAlert error={log.error} onRetry={log.reload} /> : <LogView text={text} />}
    </CardSection>
  );
}
