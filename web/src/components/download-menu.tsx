import { useRight } from '../lib/use-can';
import { ActionButton } from './can';

/** The export formats the data endpoint streams (`?format=…`); JSON needs `download=true` to mean the whole data. */
const FORMATS = [
  { query: 'format=csv', label: 'CSV' },
  { query: 'format=json&download=true', label: 'JSON (an array of rows)' },
  { query: 'format=jsonl', label: 'JSON lines' },
  { query: 'format=parquet', label: 'Parquet' },
  { query: 'format=arrow', label: 'Arrow IPC' },
];

/**
 * "Export" button opening the list of formats; each entry is a plain download link. Taking the
 * whole data away needs the export-data right: without it the button is disabled with the reason.
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
        {FORMATS.map((f) => (
          <a key={f.query} role="menuitem" className="btn ghost" href={`${href}?${f.query}`} download>
            {f.label}
          </a>
        ))}
      </div>
    </details>
  );
}
