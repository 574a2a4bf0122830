import { ApiError } from '../../api/client';

/** An engine error with its place in the SQL, when the server knows it. */
export function sqlError(err: unknown): { message: string; line: number; column: number } | null {
  if (!(err instanceof ApiError)) return null;
  const pos = (err.details as { position?: { line: number; column: number } } | undefined)?.position;
  return pos ? { message: err.message, line: pos.line, column: pos.column } : null;
}

type SqlPosition = NonNullable<ReturnType<typeof sqlError>>;

/** The error of a preview or save; an engine error says where in the SQL, and a click goes there. */
export function SqlErrorAlert({
  error,
  position,
  onGoTo,
}: {
  error: unknown;
  position: SqlPosition | null;
  onGoTo: (p: SqlPosition) => void;
}) {
  if (!error) return null;
  return (
    <div className="alert error" role="alert">
      {position ? (
        <button type="button" className="btn small mr-3" onClick={() => onGoTo(position)}>
          Line {position.line}, column {position.column}
        </button>
      ) : null}
      {(error as Error).message}
    </div>
  );
}
