import type { ReactNode } from 'react';

/**
 * A list of rules a form edits one at a time (filters, conditional colours): each rule described on
 * its row with Remove, and below them the row that adds one (`children`). Readers see the list only.
 */
export function RuleList<T>({
  legend,
  rules,
  describe,
  readOnly,
  onRemove,
  children,
}: {
  legend: string;
  rules: T[];
  describe: (rule: T) => ReactNode;
  readOnly: boolean;
  onRemove: (index: number) => void;
  children: ReactNode;
}) {
  return (
    <fieldset className="stack gap-1">
      <legend>{legend}</legend>
      {rules.map((r, i) => (
        <div key={i} className="row">
          {describe(r)}
          {!readOnly ? (
            <button type="button" className="btn small" onClick={() => onRemove(i)}>
              Remove
            </button>
          ) : null}
        </div>
      ))}
      {!readOnly ? <div className="row wrap">{children}</div> : null}
    </fieldset>
  );
}
