import { markdown } from '@codemirror/lang-markdown';
import { EditorState } from '@codemirror/state';
import { basicSetup, EditorView } from 'codemirror';
import { accessibleHighlighting } from '../lib/code-highlight';
import { useEffect, useRef } from 'react';
import { useLatest } from '../lib/use-latest';

/** CodeMirror 6 with Markdown highlighting; `value` is read once, then the editor owns the text. */
export function MarkdownEditor({
  value,
  onChange,
  label,
}: {
  value: string;
  onChange: (v: string) => void;
  label: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useLatest(onChange);
  useEffect(() => {
    if (!host.current) return;
    const view = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          accessibleHighlighting,
          markdown(),
          EditorView.lineWrapping,
          // A tab stop even when read-only: a scrolling editor must be reachable by keyboard (axe).
          EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    return () => view.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return <div ref={host} className="code-editor markdown-editor" />;
}
