import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api, projectApi } from '../../api/client';
import type { Job, Recipe } from '../../api/types';
import type { ConfirmOptions } from '../../components/confirm-dialog';
import { JobProgress } from '../../components/job-progress';
import { projectPath } from '../../components/layout';
import { OBJECT_NAME } from '../../lib/names';
import { confirmingReplaceUploaded } from '../../lib/replace-uploaded';

/**
 * What every recipe editor (SQL, code, visual, analysis) shares: saving with the revision it was
 * read at, "Save and run", the name and output fields, the saved notice and the build's progress.
 */

/**
 * Saves a recipe: a new one with POST, a stored one with PUT at `revision` (the server answers 409
 * when someone saved since). An output holding uploaded data is taken over once `ask` confirms
 * (`confirmingReplaceUploaded`). With `build`, then starts the build of that output (any output
 * of a recipe builds all of them) and returns the job's id.
 */
export async function saveRecipe(
  projectKey: string,
  body: Record<string, unknown> & { name: string },
  options: { isNew: boolean; revision?: number; build?: string; ask: (o: ConfirmOptions) => Promise<boolean> },
): Promise<{ saved: Recipe; jobId?: string }> {
  const saved = await confirmingReplaceUploaded(
    (confirmation) =>
      options.isNew
        ? api.post<Recipe>(projectApi(projectKey, 'recipes'), { ...body, ...confirmation })
        : api.put<Recipe>(projectApi(projectKey, 'recipes', body.name), {
            ...body,
            revision: options.revision,
            ...confirmation,
          }),
    options.ask,
  );
  if (options.build === undefined) return { saved };
  const { jobId } = await api.post<{ jobId: string }>(projectApi(projectKey, 'builds'), {
    targets: [options.build],
    mode: 'only',
  });
  return { saved, jobId };
}

/** The notice once the build ended: what the save said stays ("Saved revision 2. Built drift."). */
export const builtNotice = (saved: string | null, outputs: string) => `${saved ? `${saved} ` : ''}Built ${outputs}.`;

/** The recipe's name (fixed once saved) and its output dataset; `children` go between the two. */
export function RecipeNameFields({
  name,
  onName,
  isNew,
  output,
  onOutput,
  outputLabel = 'Output dataset',
  outputValid = OBJECT_NAME.test(output),
  children,
}: {
  name: string;
  onName: (name: string) => void;
  isNew: boolean;
  output: string;
  onOutput: (output: string) => void;
  outputLabel?: string;
  outputValid?: boolean;
  children?: ReactNode;
}) {
  return (
    <>
      <label className="field">
        Recipe name
        <input
          value={name}
          disabled={!isNew}
          onChange={(e) => onName(e.target.value)}
          aria-invalid={name !== '' && !OBJECT_NAME.test(name)}
        />
      </label>
      {children}
      <label className="field">
        {outputLabel}
        <input value={output} onChange={(e) => onOutput(e.target.value)} aria-invalid={output !== '' && !outputValid} />
      </label>
    </>
  );
}

/** "Saved revision N." (or "Built …") with a link to each output dataset once the recipe exists. */
export function SavedNotice({
  projectKey,
  notice,
  outputs,
}: {
  projectKey: string;
  notice: string | null;
  outputs: string[];
}) {
  if (!notice) return null;
  return (
    <div className="alert success" role="status">
      {notice}{' '}
      {outputs.map((o, n) => (
        <span key={o}>
          {n ? ' · ' : ''}
          <Link to={projectPath(projectKey, 'datasets', o)}>Open {o}</Link>
        </span>
      ))}
    </div>
  );
}

/** The progress of the build "Save and run" started; `onEnd` hears how it ended. */
export function BuildProgressCard({
  projectKey,
  jobId,
  onEnd,
}: {
  projectKey: string;
  jobId: string | null;
  onEnd: (job: Job) => void;
}) {
  if (!jobId) return null;
  return (
    <div className="card">
      <div className="card-body">
        <JobProgress projectKey={projectKey} jobId={jobId} onEnd={onEnd} />
      </div>
    </div>
  );
}
