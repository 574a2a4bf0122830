import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import { Compartment, EditorState } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

export type CodeLanguage = 'typescript' | 'python' | 'r';

export interface CodeEditorHandle {
  insert(text: string): void;
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  language: CodeLanguage;
  onRun?: () => void;
  onSave?: () => void;
  label: string;
}

/** R has no CodeMirror 6 mode installed: it is edited as plain text. */
const modeFor = (language: CodeLanguage) =>
  language === 'typescript' ? javascript({ typescript: true }) : language === 'python' ? python() : [];

/** CodeMirror 6 for a code recipe: the language's highlighting, Ctrl+Enter runs the preview, Ctrl+S saves. */
export const CodeEditor = forwardRef<CodeEditorHandle, Props>(function CodeEditor(
  { value, onChange, language, onRun, onSave, label },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const mode = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun, onSave });
  callbacks.current = { onChange, onRun, onSave };

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([
            { key: 'Mod-Enter', run: () => (callbacks.current.onRun?.(), true) },
            { key: 'Mod-s', run: () => (callbacks.current.onSave?.(), true), preventDefault: true },
          ]),
          basicSetup,
          mode.current.of(modeFor(language)),
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
    // The editor is created once; value and language changes are pushed below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: mode.current.reconfigure(modeFor(language)) });
  }, [language]);

  useImperativeHandle(ref, () => ({
    insert(text) {
      const v = view.current;
      if (!v) return;
      const { from, to } = v.state.selection.main;
      v.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length } });
      v.focus();
    },
  }));

  return <div className="editor-box" ref={host} />;
});
