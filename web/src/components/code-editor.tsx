import { html } from '@codemirror/lang-html';
import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { python } from '@codemirror/lang-python';
import { EditorState, type Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import { useEffect, useLayoutEffect, useRef } from 'react';

/** The language mode of a file, by its extension (plain text when none fits). */
function languageOf(fileName: string): Extension[] {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (['js', 'mjs', 'cjs', 'json'].includes(ext)) return [javascript()];
  if (['ts', 'mts'].includes(ext)) return [javascript({ typescript: true })];
  if (ext === 'tsx' || ext === 'jsx') return [javascript({ typescript: ext === 'tsx', jsx: true })];
  if (ext === 'py') return [python()];
  if (ext === 'html' || ext === 'htm') return [html()];
  if (ext === 'md') return [markdown()];
  return [];
}

interface Props {
  /** Decides the language; a new file name starts a new editor (its own undo history). */
  fileName: string;
  value: string;
  onChange: (value: string) => void;
  onSave?: () => void;
  readOnly?: boolean;
  label: string;
}

/** CodeMirror 6 for one file of a webapp: highlighting by file type, Mod-S saves. */
export function CodeEditor({ fileName, value, onChange, onSave, readOnly = false, label }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef({ onChange, onSave });
  // The newest handlers, for the editor's listeners (the editor itself is created once per file).
  useLayoutEffect(() => {
    callbacks.current = { onChange, onSave };
  });

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([{ key: 'Mod-s', run: () => (callbacks.current.onSave?.(), true), preventDefault: true }]),
          basicSetup,
          ...languageOf(fileName),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
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
    // One editor per file and mode; text changes from outside are pushed below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fileName, readOnly]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div className="code-editor" ref={host} />;
}
