import { useState, type FormEvent } from 'react';
import type { ObjectShare } from '../api/types';
import { ErrorAlert, Modal } from './ui';

/**
 * Who beyond the project's members may view one dashboard or webapp: users or `group:NAME`.
 * They see that object only; `save` stores the whole new list (a new revision of the object).
 * Without `canChange` (a reader) the dialog only lists them, and the button shows only when
 * the object is shared with someone. `note` says what else such viewers may or may not do.
 */
export function ShareButton({
  what,
  sharing,
  save,
  canChange = true,
  note,
}: {
  what: string;
  sharing: ObjectShare[] | undefined;
  save: (sharing: ObjectShare[]) => Promise<void>;
  canChange?: boolean;
  note?: string;
}) {
  const [open, setOpen] = useState(false);
  const [grantee, setGrantee] = useState('');
  const [error, setError] = useState<unknown>(null);
  const list = sharing ?? [];
  const apply = async (next: ObjectShare[]) => {
    setError(null);
    try {
      await save(next);
      setGrantee('');
    } catch (e) {
      setError(e);
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    const name = grantee.trim();
    if (name && !list.some((s) => s.with === name)) void apply([...list, { with: name, role: 'viewer' }]);
  };
  if (!canChange && list.length === 0) return null;
  const close = (
    <button type="button" className="btn" onClick={() => setOpen(false)}>
      Close
    </button>
  );
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        {canChange ? 'Share' : 'Shared'}
        {list.length ? ` (${list.length})` : ''}
      </button>
      <Modal
        open={open}
        title={canChange ? `Share ${what}` : `Who this ${what} is shared with`}
        onClose={() => setOpen(false)}
      >
        <div className="stack">
          <p className="small">
            Viewers {canChange ? 'you add here' : 'listed here'} see this {what} even when they are not members of the
            project, and nothing else of it.
          </p>
          {note ? <p className="small">{note}</p> : null}
          <ErrorAlert error={error} title="Not shared" />
          {list.length ? (
            <ul className="stack" aria-label="Shared with">
              {list.map((s) => (
                <li key={s.with} className="row">
                  <span>
                    {s.with} <span className="muted">({s.role})</span>
                  </span>
                  {canChange ? (
                    <button
                      type="button"
                      className="btn danger small"
                      onClick={() => void apply(list.filter((x) => x.with !== s.with))}
                    >
                      Stop sharing<span className="visually-hidden"> with {s.with}</span>
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Shared with no one beyond the project’s members.</p>
          )}
          {canChange ? (
            <form className="row" onSubmit={add}>
              <input
                aria-label="Share with (username or group:NAME)"
                placeholder="Username or group:NAME"
                required
                value={grantee}
                onChange={(e) => setGrantee(e.target.value)}
              />
              <button type="submit" className="btn primary">
                Share as viewer
              </button>
              {close}
            </form>
          ) : (
            <>
              <p className="small muted" role="note">
                Changing who it is shared with needs the writer role in this project.
              </p>
              <div className="row">{close}</div>
            </>
          )}
        </div>
      </Modal>
    </>
  );
}
