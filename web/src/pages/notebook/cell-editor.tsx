import type { CellType } from '../../api/types';
import { CodeEditor } from '../../components/code-editor';

/** CodeMirror for one cell, in its language; Shift+Enter runs the cell, Mod+S saves the notebook. */
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
      language={type}
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
