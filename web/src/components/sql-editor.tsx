import {
  acceptCompletion,
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from '@codemirror/autocomplete';
import { PostgreSQL, sql } from '@codemirror/lang-sql';
import { setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import { accessibleHighlighting } from '../lib/code-highlight';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

export interface SqlSchema {
  [dataset: string]: { name: string; type: string }[];
}

export interface SqlEditorHandle {
  focusAt(line: number, column: number): void;
  insert(text: string): void;
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  schema: SqlSchema;
  /** An engine error to mark at its place (1-based line and column). */
  error: { message: string; line: number; column: number } | null;
  onRun?: () => void;
  onSave?: () => void;
  label: string;
}

/** Column names of every input complete anywhere, not only after `dataset.`. */
function columnSource(schema: SqlSchema) {
  const options: Completion[] = Object.entries(schema).flatMap(([table, cols]) =>
    cols.map((c) => ({ label: c.name, type: 'property', detail: `${table} · ${c.type}`, boost: -1 })),
  );
  return (ctx: CompletionContext): CompletionResult | null => {
    const word = ctx.matchBefore(/[A-Za-z_][A-Za-z0-9_]*/);
    if (!word && !ctx.explicit) return null;
    if (ctx.state.sliceDoc((word?.from ?? ctx.pos) - 1, word?.from ?? ctx.pos) === '.') return null;
    return { from: word?.from ?? ctx.pos, options, validFor: /^[A-Za-z0-9_]*$/ };
  };
}

function languageFor(schema: SqlSchema) {
  const namespace = Object.fromEntries(
    Object.entries(schema).map(([t, cols]) => [
      t,
      cols.map((c) => ({ label: c.name, type: 'property', detail: c.type })),
    ]),
  );
  return [
    sql({ dialect: PostgreSQL, schema: namespace, upperCaseKeywords: true }),
    PostgreSQL.language.data.of({ autocomplete: columnSource(schema) }),
  ];
}

/** CodeMirror 6 with SQL highlighting, completion of dataset and column names, and the engine's error marked in place. */
export const SqlEditor = forwardRef<SqlEditorHandle, Props>(function SqlEditor(
  { value, onChange, schema, error, onRun, onSave, label },
  ref,
) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
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
            { key: 'Tab', run: acceptCompletion },
          ]),
          basicSetup,
          accessibleHighlighting,
          autocompletion({ activateOnTyping: true }),
          language.current.of(languageFor(schema)),
          EditorView.lineWrapping,
          // A tab stop even when read-only: a scrolling editor must be reachable by keyboard (axe).
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
    // The editor is created once; value and schema changes are pushed below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: language.current.reconfigure(languageFor(schema)) });
  }, [schema]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    if (!error) {
      v.dispatch(setDiagnostics(v.state, []));
      return;
    }
    const doc = v.state.doc;
    const line = doc.line(Math.min(Math.max(1, error.line), doc.lines));
    const from = Math.min(line.from + Math.max(0, error.column - 1), line.to);
    const wordEnd = /^[A-Za-z0-9_."]+/.exec(doc.sliceString(from, line.to))?.[0].length ?? 1;
    v.dispatch(
      setDiagnostics(v.state, [
        { from, to: Math.min(line.to, from + Math.max(1, wordEnd)), severity: 'error', message: error.message },
      ]),
    );
  }, [error]);

  useImperativeHandle(ref, () => ({
    focusAt(lineNo, column) {
      const v = view.current;
      if (!v) return;
      const line = v.state.doc.line(Math.min(Math.max(1, lineNo), v.state.doc.lines));
      const pos = Math.min(line.from + Math.max(0, column - 1), line.to);
      v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      v.focus();
    },
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
