import { useRight } from '../lib/use-can';
import { EXPORT_FORMATS } from '../lib/export-formats';
import { ActionButton } from './can';

/**
 * "Export" button opening the list of formats; each entry is a plain download link (CSV twice:
 * formula cells escaped, or kept). Taking the whole data away needs the export-data right:
 * without it the button is disabled with the reason.
 */
export function DownloadMenu({ href }: { href: string }) {
  const can = useRight('export-data');
  if (can.ok === false)
    return (
      <ActionButton can={can} className="btn">
        Export ▾
      </ActionButton>
    );
  return (
    <details className="download-menu">
      <summary className="btn">Export ▾</summary>
      <div className="card download-menu-list" role="menu">
        {EXPORT_FORMATS.map((f) => (
          <a key={f.query} role="menuitem" className="btn ghost" href={`${href}?${f.query}`} download>
            {f.label}
          </a>
        ))}
      </div>
    </details>
  );
}
