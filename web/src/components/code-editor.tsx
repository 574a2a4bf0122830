import { html } from '@codemirror/lang-html';
import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { python } from '@codemirror/lang-python';
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import { accessibleHighlighting } from '../lib/code-highlight';
import { rLanguage } from '../lib/r-language';
import { forwardRef, useEffect, useImperativeHandle, useLayoutEffect, useRef } from 'react';

export type CodeLanguage = 'typescript' | 'python' | 'r';

export interface CodeEditorHandle {
  insert(text: string): void;
}

/** The language mode of a file, by its extension (plain text when none fits). */
function modeOfFile(fileName: string): Extension[] {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (['js', 'mjs', 'cjs', 'json'].includes(ext)) return [javascript()];
  if (['ts', 'mts'].includes(ext)) return [javascript({ typescript: true })];
  if (ext === 'tsx' || ext === 'jsx') return [javascript({ typescript: ext === 'tsx', jsx: true })];
  if (ext === 'py') return [python()];
  if (ext === 'html' || ext === 'htm') return [html()];
  if (ext === 'md') return [markdown()];
  if (ext === 'r') return [rLanguage];
  return [];
}

/** The languages of code recipes and notebook cells (`text`: plain, as a raw cell). */
export type EditorLanguage = CodeLanguage | 'sql' | 'markdown' | 'text';

const MODES: Record<EditorLanguage, () => Extension> = {
  typescript: () => javascript({ typescript: true }),
  python: () => python(),
  r: () => rLanguage,
  text: () => [],
  sql: () => sql({ dialect: PostgreSQL, upperCaseKeywords: true }),
  markdown: () => markdown(),
};

interface Props {
  value: string;
  onChange: (value: string) => void;
  /** The mode by language (code recipes, notebook cells)… */
  language?: EditorLanguage;
  /** …or by file name (webapps); a new file name starts a new editor, with its own undo history. */
  fileName?: string;
  /** Ctrl+Enter, and Shift+Enter too when `shiftEnterRuns` (notebook cells). */
  onRun?: () => void;
  shiftEnterRuns?: boolean;
  /** Long lines wrap instead of scrolling. */
  wrap?: boolean;
  /** Ctrl+S. */
  onSave?: () => void;
  readOnly?: boolean;
  label: string;
  className?: string;
}

/** CodeMirror 6 for code: highlighting by language or file type, Ctrl+Enter runs, Ctrl+S saves. */
export const CodeEditor = forwardRef<CodeEditorHandle, Props>(function CodeEditor(
  {
    value,
    onChange,
    language = 'typescript',
    fileName,
    onRun,
    shiftEnterRuns = false,
    wrap = false,
    onSave,
    readOnly = false,
    label,
    className = 'editor-box',
  },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const mode = useRef(new Compartment());
  const callbacks = useRef({ onChange, onRun, onSave });
  // The newest handlers, for the editor's listeners (the editor itself is created once per file).
  useLayoutEffect(() => {
    callbacks.current = { onChange, onRun, onSave };
  });
  const modeNow = () => (fileName === undefined ? MODES[language]() : modeOfFile(fileName));

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          keymap.of([
            { key: 'Mod-Enter', run: () => (callbacks.current.onRun?.(), true) },
            ...(shiftEnterRuns ? [{ key: 'Shift-Enter', run: () => (callbacks.current.onRun?.(), true) }] : []),
            { key: 'Mod-s', run: () => (callbacks.current.onSave?.(), true), preventDefault: true },
          ]),
          basicSetup,
          accessibleHighlighting,
          mode.current.of(modeNow()),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          ...(wrap ? [EditorView.lineWrapping] : []),
          // An explicit tab stop on the content: read-only it is not editable and so not focusable,
          // and axe does not count contenteditable alone; a scrollable region must be reachable.
          EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
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
    // One editor per file and mode; text and language changes are pushed below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fileName, readOnly]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: mode.current.reconfigure(modeNow()) });
    // eslint-disable-next-line react-hooks/exhaustive-deps
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

  return <div className={className} ref={host} />;
});
