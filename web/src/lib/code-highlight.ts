import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { tags as t } from '@lezer/highlight';

/**
 * Code colours that every token keeps at a contrast of 4.5:1 or more on the editor's white
 * (WCAG AA): CodeMirror's default style draws regular expressions and special strings in #e40
 * and invalid text in #f00 (3.3:1 and 4.0:1; axe's color-contrast, found by a trial on a
 * notebook). Given to the editors beside basicSetup, whose default style is only a fallback.
 */
const accessible = HighlightStyle.define([
  { tag: t.meta, color: '#4d4d4d' },
  { tag: t.link, textDecoration: 'underline' },
  { tag: t.heading, textDecoration: 'underline', fontWeight: 'bold' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strong, fontWeight: 'bold' },
  { tag: t.strikethrough, textDecoration: 'line-through' },
  { tag: t.keyword, color: '#770088' },
  { tag: [t.atom, t.bool, t.url, t.contentSeparator, t.labelName], color: '#1a3d9e' },
  { tag: [t.literal, t.inserted], color: '#116633' },
  { tag: [t.string, t.deleted], color: '#a31111' },
  { tag: [t.regexp, t.escape, t.special(t.string)], color: '#a33a00' },
  { tag: t.definition(t.variableName), color: '#0033b3' },
  { tag: t.local(t.variableName), color: '#1f4d8a' },
  { tag: [t.typeName, t.namespace], color: '#00695c' },
  { tag: t.className, color: '#116155' },
  { tag: [t.special(t.variableName), t.macroName], color: '#1f4d8a' },
  { tag: t.definition(t.propertyName), color: '#00408a' },
  { tag: t.comment, color: '#7a5200' },
  { tag: t.invalid, color: '#c40000' },
]);

export const accessibleHighlighting = syntaxHighlighting(accessible);
