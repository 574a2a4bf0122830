import { ApiError } from '../api/client';

/** True for the server's answer to a save based on an older revision than the stored one. */
export const isSaveConflict = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.status === 409 && error.code === 'conflict';

/**
 * A save refused because someone else saved the object since it was opened: says who (the
 * server's message names them) and offers to load their version. Reloading drops the edits
 * made here, so they stay on screen until the user chooses.
 */
export function SaveConflict({ error, what, onReload }: { error: unknown; what: string; onReload: () => void }) {
  if (!isSaveConflict(error)) return null;
  return (
    <div className="alert error" role="alert" aria-label="Save conflict">
      <strong>Not saved: someone else changed this {what} while you were editing it. </strong>
      {error.message}{' '}
      <button type="button" className="btn small ml-3" onClick={onReload}>
        Reload their version (discards your changes)
      </button>
    </div>
  );
}
