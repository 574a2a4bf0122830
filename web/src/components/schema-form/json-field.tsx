import { useState, type ReactNode } from 'react';

/** Values the form cannot structure (unions, free objects): JSON text, applied when valid. */
export function JsonField({
  label,
  value,
  onChange,
}: {
  label: ReactNode;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <label className="field full-row">
      {label}
      <textarea
        rows={3}
        className="mono"
        value={text}
        aria-invalid={bad}
        placeholder="JSON value"
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value.trim() === '') {
            setBad(false);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad ? <span className="hint text-bad">Not valid JSON yet</span> : null}
    </label>
  );
}
