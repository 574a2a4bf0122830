import type { CellType } from '../../api/types';
import { CodeEditor } from '../../components/code-editor';

/**
 * CodeMirror for one cell, in its language (a raw cell as plain text); Shift+Enter runs the cell,
 * Mod+S saves the notebook. It grows with its text, from 3 lines to about 30, then scrolls
 * (notebooks.css), so a one-line cell takes one cell's room.
 */
export function CellEditor({
  value,
  type,
  label,
  readOnly,
  onChange,
  onRun,
  onSave,
}: {
  value: string;
  type: CellType;
  label: string;
  readOnly: boolean;
  onChange: (value: string) => void;
  onRun: () => void;
  onSave: () => void;
}) {
  return (
    <CodeEditor
      value={value}
      language={type === 'raw' ? 'text' : type}
      label={label}
      readOnly={readOnly}
      onChange={onChange}
      onRun={onRun}
      onSave={onSave}
      shiftEnterRuns
      wrap
      className="editor-box notebook-editor"
    />
  );
}
