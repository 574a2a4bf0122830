import { useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { Link, NavLink } from 'react-router-dom';
import { ApiError, errorMessage } from '../api/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading-block" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

/** Errors that a retry does not fix: the object is not there, or not for this user. */
export const isPermanent = (error: unknown) =>
  error instanceof ApiError && [400, 403, 404, 409, 422].includes(error.status);

/** An API error as users should read it: the server's message, its code in small print; Retry only where it may help, and a way back. */
interface ErrorAlertProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  back?: { to: string; label: string };
}

export function ErrorAlert({ error, title, onRetry, back }: ErrorAlertProps) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : null;
  if (isPermanent(error)) onRetry = undefined;
  return (
    <div className="alert error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {errorMessage(error)}
      {code ? <span className="code">{code}</span> : null}
      {onRetry ? (
        <button type="button" className="btn small ghost ml-3" onClick={onRetry}>
          Retry
        </button>
      ) : null}
      {back ? (
        <Link className="btn small ghost ml-3" to={back.to}>
          {back.label}
        </Link>
      ) : null}
    </div>
  );
}

/** The heading of a page that could not load: what the refusal means to a reader. */
const errorTitle = (error: unknown) =>
  error instanceof ApiError && error.status === 404
    ? 'Not found'
    : error instanceof ApiError && error.status === 403
      ? 'Not allowed'
      : 'Could not load this page';

/** A whole page that could not load: its heading (every page has one) and the error. */
export function PageError({ title, ...alert }: Omit<ErrorAlertProps, 'title'> & { title?: ReactNode }) {
  return (
    <>
      <PageHeader title={title ?? errorTitle(alert.error)} />
      <ErrorAlert {...alert} />
    </>
  );
}

export function EmptyState({ title, children, actions }: { title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="empty">
      <div className="empty-title">{title}</div>
      {children ? <div>{children}</div> : null}
      {actions ? <div className="empty-actions">{actions}</div> : null}
    </div>
  );
}

/** The whole-page states of data loaded by useApi: spinner, error with retry, or the content. */
export function Async<T>({
  state,
  children,
  label,
  back,
}: {
  state: { data: T | undefined; error: unknown; loading: boolean; reload: () => void };
  children: (data: T) => ReactNode;
  label?: string;
  back?: { to: string; label: string };
}) {
  if (state.error && state.data === undefined)
    return <ErrorAlert error={state.error} onRetry={state.reload} back={back} />;
  if (state.data === undefined) return <Loading label={label} />;
  return <>{children(state.data)}</>;
}

const STATUS_CLASS: Record<string, string> = {
  built: 'ok',
  succeeded: 'ok',
  success: 'ok',
  ok: 'ok',
  passed: 'ok',
  ready: 'ok',
  'up-to-date': 'ok',
  stale: 'warn',
  warning: 'warn',
  warn: 'warn',
  skipped: 'warn',
  failed: 'bad',
  failure: 'bad',
  error: 'bad',
  aborted: 'bad',
  interrupted: 'bad',
  building: 'run',
  running: 'run',
  queued: 'run',
  pending: '',
  SUCCESS: 'ok',
  OK: 'ok',
  WARNING: 'warn',
  FAILED: 'bad',
  ERROR: 'bad',
  ABORTED: 'bad',
  RUNNING: 'run',
  QUEUED: 'run',
  SKIPPED: '',
  PENDING: '',
  empty: '',
  external: 'ext',
};

export const statusClass = (status: string | null | undefined) => STATUS_CLASS[status ?? ''] ?? '';

export function StatusBadge({ status, label }: { status: string | null | undefined; label?: string }) {
  return <span className={`badge ${statusClass(status)}`}>{label ?? status ?? 'unknown'}</span>;
}

export function PageHeader({
  title,
  subtitle,
  breadcrumbs,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  breadcrumbs?: ReactNode;
  actions?: ReactNode;
}) {
  // Each page its own window title (WCAG 2.4.2): tabs, history and screen readers tell pages apart.
  const text = typeof title === 'string' ? title : null;
  useEffect(() => {
    if (!text) return;
    document.title = `${text} · Llano`;
    return () => {
      document.title = 'Llano';
    };
  }, [text]);
  return (
    <div className="page-header">
      <div className="titles">
        {breadcrumbs ? <div className="breadcrumbs">{breadcrumbs}</div> : null}
        <h1>{title}</h1>
        {subtitle ? <div className="subtitle">{subtitle}</div> : null}
      </div>
      {actions ? <div className="actions">{actions}</div> : null}
    </div>
  );
}

/** Tabs that are links, so each tab has its own URL. */
export function LinkTabs({ tabs, label }: { tabs: { to: string; label: string; end?: boolean }[]; label: string }) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map((t) => (
        <NavLink key={t.to} to={t.to} end={t.end ?? true} className={({ isActive }) => (isActive ? 'active' : '')}>
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}

export function ProgressBar({
  fraction,
  label,
  indeterminate,
}: {
  fraction: number;
  label: string;
  indeterminate?: boolean;
}) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div
      className={`progress${indeterminate ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={indeterminate ? undefined : pct}
    >
      {/* The share done is data: it stays inline, as a custom property the stylesheet reads. */}
      <div style={{ '--value': `${pct}%` } as CSSProperties} />
    </div>
  );
}

/** A native <dialog>: focus is trapped and Escape closes it. */
export function Modal({
  open,
  title,
  onClose,
  children,
  footer,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-label={title}
      // React passes a nested dialog's close and cancel up to this one: only its own count.
      onClose={(e) => e.target === e.currentTarget && onClose()}
      onCancel={(e) => e.target === e.currentTarget && onClose()}
    >
      {open ? (
        <>
          <header>{title}</header>
          <div className="modal-body">{children}</div>
          {footer ? <footer>{footer}</footer> : null}
        </>
      ) : null}
    </dialog>
  );
}

/** An empty state in a card, for lists with nothing in them yet. */
export function EmptyCard(props: { title: string; children?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="card">
      <EmptyState {...props} />
    </div>
  );
}

/** A card with a titled header (and anything beside the title) over its body: a region named by its title. */
export function CardSection({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-header">
        <h2>{title}</h2>
        {extra}
      </div>
      <div className="card-body">{children}</div>
    </section>
  );
}

/** What an action did ("Saved revision 3."), announced to screen readers; nothing without text. */
export function Notice({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <div className="alert success" role="status">
      {text}
    </div>
  );
}

/** Whether a scenario runs on its triggers. */
export function ActiveBadge({ active }: { active: boolean | undefined }) {
  return active === false ? <span className="badge">inactive</span> : <span className="badge ok">active</span>;
}

/** The end of a dialog's form: Cancel, then the submit button. */
export function DialogButtons({
  onCancel,
  submit,
  disabled,
}: {
  onCancel: () => void;
  submit: ReactNode;
  disabled?: boolean;
}) {
  return (
    <div className="row end">
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="btn primary" disabled={disabled}>
        {submit}
      </button>
    </div>
  );
}
