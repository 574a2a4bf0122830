/** The export formats the data endpoint streams (`?format=…`); JSON needs `download=true` to mean the whole data. */
const FORMATS = [
  { query: 'format=csv', label: 'CSV' },
  { query: 'format=json&download=true', label: 'JSON (an array of rows)' },
  { query: 'format=jsonl', label: 'JSON lines' },
  { query: 'format=parquet', label: 'Parquet' },
  { query: 'format=arrow', label: 'Arrow IPC' },
];

/** "Export" button opening the list of formats; each entry is a plain download link. */
export function DownloadMenu({ href }: { href: string }) {
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
