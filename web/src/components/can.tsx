import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Can } from '../lib/use-can';

/**
 * A button for an action the user may not be allowed: when not allowed it stays in view,
 * disabled in the ARIA sense (still focusable, so the reason can be read) with the reason as
 * its description and tooltip; clicks do nothing.
 */
export function ActionButton({
  can,
  children,
  onClick,
  disabled,
  ...rest
}: { can: Can; children: ReactNode } & ButtonHTMLAttributes<HTMLButtonElement>) {
  if (can.ok)
    return (
      <button type="button" onClick={onClick} disabled={disabled} {...rest}>
        {children}
      </button>
    );
  return (
    <button type="button" {...rest} aria-disabled="true" title={can.reason} onClick={(e) => e.preventDefault()}>
      {children}
    </button>
  );
}

/** A link to a page where the user would change something: a disabled button with the reason when not allowed. */
export function ActionLink({
  can,
  to,
  className,
  children,
}: {
  can: Can;
  to: string;
  className: string;
  children: ReactNode;
}) {
  if (can.ok)
    return (
      <Link className={className} to={to}>
        {children}
      </Link>
    );
  return (
    <ActionButton can={can} className={className}>
      {children}
    </ActionButton>
  );
}

/**
 * A file to download (the whole data, a rendered dashboard): a disabled button with the reason
 * when the right is missing. While the project loads it is the link; the server checks anyway.
 */
export function DownloadLink({
  can,
  href,
  className,
  children,
}: {
  can: Can;
  href: string;
  className: string;
  children: ReactNode;
}) {
  if (can.ok === false)
    return (
      <ActionButton can={can} className={className}>
        {children}
      </ActionButton>
    );
  return (
    <a className={className} href={href} download>
      {children}
    </a>
  );
}

/** One line saying what the user can do here and what changing it needs; nothing when allowed. */
export function ReadOnlyNotice({ can, what }: { can: Can; what: string }) {
  if (can.ok !== false) return null;
  return (
    <p className="read-only-notice" role="note">
      You can read {what}. {can.reason}
    </p>
  );
}
