/** Log text with warnings and errors coloured. */
export function LogView({ text }: { text: string }) {
  if (!text.trim()) return <div className="muted small">No log lines yet.</div>;
  return (
    <pre className="log" tabIndex={0} aria-label="Log lines">
      {text.split('\n').map((line, i) => (
        <div key={i} className={/\bERROR\b/.test(line) ? 'lvl-error' : /\bWARN\b/.test(line) ? 'lvl-warn' : undefined}>
          {line}
        </div>
      ))}
    </pre>
  );
}
