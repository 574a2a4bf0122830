import type { ListedVersion, Recipe } from '../../api/types';
import type { ConfirmOptions } from '../../components/confirm-dialog';
import { uploadImpact } from '../../lib/upload-impact';

/**
 * The question before restoring an old version: the columns that come back or go (against the
 * current version), and the recipes reading the dataset, which become stale; those whose SQL
 * names a column that goes will fail on their next build.
 */
export function restoreQuestion(
  name: string,
  version: ListedVersion,
  current: ListedVersion | null,
  recipes: Recipe[],
): ConfirmOptions {
  const { added, removed, readers, breaks } = uploadImpact(
    name,
    (current?.columns ?? []).map((c) => c.name),
    (version.columns ?? []).map((c) => c.name),
    recipes,
  );
  return {
    title: `Restore version ${version.seq} of ${name}?`,
    confirm: 'Restore version',
    body: (
      <ul>
        <li>
          Its {version.rowCount ?? 0} rows become the current data as a new version; version {current?.seq ?? 'none'}{' '}
          stays in the history.
        </li>
        {added?.length ? <li>Columns back: {added.join(', ')}.</li> : null}
        {removed?.length ? <li>Columns gone: {removed.join(', ')}.</li> : null}
        <li>
          {readers.length
            ? `Recipes that become stale: ${readers.join(', ')}.`
            : 'No recipe reads it: nothing becomes stale.'}
        </li>
        {breaks.length ? (
          <li>Will fail on their next build (their SQL names a column that goes): {breaks.join(', ')}.</li>
        ) : null}
      </ul>
    ),
  };
}
