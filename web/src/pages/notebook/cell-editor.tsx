import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { python } from '@codemirror/lang-python';
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { Compartment, EditorState } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useRef } from 'react';
import type { CellType } from '../../api/types';
import { useLatest } from '../../lib/use-latest';

const LANGUAGES: Record<CellType, () => ReturnType<typeof sql>> = {
  sql: () => sql({ dialect: PostgreSQL, upperCaseKeywords: true }),
  typescript: () => javascript({ typescript: true }),
  python: () => python(),
  markdown: () => markdown(),
};

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
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  const editable = useRef(new Compartment());
  const callbacks = useLatest({ onChange, onRun, onSave });

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([
            { key: 'Shift-Enter', run: () => (callbacks.current.onRun(), true) },
            { key: 'Mod-Enter', run: () => (callbacks.current.onRun(), true) },
            { key: 'Mod-s', run: () => (callbacks.current.onSave(), true), preventDefault: true },
          ]),
          basicSetup,
          language.current.of(LANGUAGES[type]()),
          editable.current.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // Created once; value, language and read-only changes are pushed below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);
  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(LANGUAGES[type]()) });
  }, [type]);
  useEffect(() => {
    view.current?.dispatch({
      effects: editable.current.reconfigure([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
    });
  }, [readOnly]);

  return <div className="editor-box notebook-editor" ref={host} />;
}
