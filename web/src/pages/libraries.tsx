import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import { ActionButton, ReadOnlyNotice } from '../components/can';
import { CodeEditor, type CodeLanguage } from '../components/code-editor';
import { useConfirm } from '../components/confirm-dialog';
import { projectPath } from '../components/layout';
import { Table } from '../components/table';
import { Async, CardSection, EmptyState, ErrorAlert, Notice, PageHeader } from '../components/ui';
import { formatBytes, formatRelative } from '../lib/format';
import { useApi } from '../lib/use-api';
import { useCan } from '../lib/use-can';
import { useUnsavedChangesGuard } from '../lib/use-unsaved-changes-guard';

/** A library file as the API lists it (src/recipes/code/code-libraries.ts). */
interface LibraryFileInfo {
  name: string;
  content: string;
  language: CodeLanguage;
  size: number;
  revision: number;
  updatedAt: string;
  updatedBy: string;
}

const LANGUAGE_LABEL: Record<CodeLanguage, string> = { typescript: 'TypeScript', python: 'Python', r: 'R' };

/**
 * The project's library files: shared TypeScript, Python and R code that code recipes, notebook
 * kernels and webapp backends import (`import bands`, `source("lib/qa.R")`). Writers add, edit and
 * delete them; readers read them.
 */
export default function LibrariesPage() {
  const { key = '', name } = useParams();
  const navigate = useNavigate();
  const files = useApi<LibraryFileInfo[]>(projectApi(key, 'libraries'));
  const canWrite = useCan('write');
  const [newName, setNewName] = useState('');
  const [error, setError] = useState<unknown>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const made = await api.post<LibraryFileInfo>(projectApi(key, 'libraries'), { name: newName.trim(), content: '' });
      setNewName('');
      files.reload();
      void navigate(projectPath(key, 'libraries', made.name));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="stack">
      <PageHeader
        title="Library files"
        breadcrumbs={<Link to={projectPath(key)}>{key}</Link>}
        subtitle="Shared code that the project's code recipes, notebooks and webapp backends import: bands.py is `import bands` in Python"
      />
      <ReadOnlyNotice can={canWrite} what="the library files" />
      {canWrite.ok ? (
        <form className="filter-bar card padded" onSubmit={(e) => void create(e)} aria-label="New library file">
          <input
            aria-label="File name"
            placeholder="bands.py, helpers.ts or qa.R"
            required
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            className="input-m"
          />
          <button type="submit" className="btn primary">
            Add file
          </button>
        </form>
      ) : null}
      <ErrorAlert error={error} />
      <Async state={files} label="Loading library files…">
        {(list) => (
          <>
            <Table
              card
              label="Library files"
              rows={list}
              rowKey={(f) => f.name}
              isSelected={(f) => f.name === name}
              empty={<EmptyState title="No library files">Add one to share code between recipes.</EmptyState>}
              columns={[
                {
                  header: 'File',
                  sortValue: (f) => f.name,
                  cell: (f) => <Link to={projectPath(key, 'libraries', f.name)}>{f.name}</Link>,
                },
                { header: 'Language', cell: (f) => LANGUAGE_LABEL[f.language] },
                { header: 'Size', numeric: true, cell: (f) => formatBytes(f.size) },
                {
                  header: 'Changed',
                  className: 'small',
                  title: (f) => f.updatedAt,
                  cell: (f) => `${formatRelative(f.updatedAt)} by ${f.updatedBy}`,
                },
              ]}
            />
            {name ? (
              <LibraryFileEditor
                key={name}
                projectKey={key}
                file={list.find((f) => f.name === name)}
                name={name}
                onChanged={files.reload}
              />
            ) : null}
          </>
        )}
      </Async>
    </div>
  );
}

function LibraryFileEditor({
  projectKey,
  name,
  file,
  onChanged,
}: {
  projectKey: string;
  name: string;
  file: LibraryFileInfo | undefined;
  onChanged: () => void;
}) {
  const navigate = useNavigate();
  const canWrite = useCan('write');
  const [content, setContent] = useState(file?.content ?? '');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const confirm = useConfirm();
  const dirty = file !== undefined && content !== file.content;
  useUnsavedChangesGuard(dirty, confirm.ask, `the library file ${name}`);
  if (!file) return <EmptyState title={`No library file ${name}`} />;

  const save = async () => {
    setError(null);
    setNotice(null);
    try {
      // The revision read guards against overwriting someone else's save (409).
      await api.put(projectApi(projectKey, 'libraries', name), { name, content, revision: file.revision });
      onChanged();
      setNotice(`Saved ${name}.`);
    } catch (err) {
      setError(err);
    }
  };
  const remove = async () => {
    const ok = await confirm.ask({
      title: `Delete the library file ${name}?`,
      body: 'Recipes, notebooks and webapp backends that import it fail at their next run. Its history stays and it can be restored from there.',
      confirm: 'Delete file',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(projectApi(projectKey, 'libraries', name));
      onChanged();
      void navigate(projectPath(projectKey, 'libraries'));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <CardSection
      title={name}
      extra={
        <div className="row">
          <Link to={projectPath(projectKey, 'history', 'library-file', name)}>History</Link>
          <ActionButton can={canWrite} className="btn primary small" disabled={!dirty} onClick={() => void save()}>
            Save
          </ActionButton>
          <ActionButton can={canWrite} className="btn danger small" onClick={() => void remove()}>
            Delete
          </ActionButton>
        </div>
      }
    >
      {confirm.dialog}
      <ErrorAlert error={error} />
      <Notice text={notice} />
      <CodeEditor
        label={`Code of ${name}`}
        language={file.language}
        value={content}
        onChange={setContent}
        onSave={() => void save()}
        readOnly={canWrite.ok !== true}
      />
    </CardSection>
  );
}
