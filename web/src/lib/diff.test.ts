import { describe, expect, it } from 'vitest';
import { canonicalJson, diffLines, revisionText } from './diff';

describe('revision diffs', () => {
  it('marks added and removed lines around common ones', () => {
    expect(diffLines('a\nb\nc', 'a\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'del', text: 'b' },
      { kind: 'same', text: 'c' },
      { kind: 'add', text: 'd' },
    ]);
  });

  it('does not count reordered keys as a change', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it('shows multi-line strings such as SQL as lines of text, so one changed line is one line of the diff', () => {
    const before = revisionText({ name: 'r', sql: 'SELECT a\nFROM t\nWHERE x > 1' });
    const after = revisionText({ name: 'r', sql: 'SELECT a\nFROM t\nWHERE x > 2' });
    expect(before).toContain('sql:\nSELECT a\nFROM t');
    expect(diffLines(before, after).filter((d) => d.kind !== 'same')).toEqual([
      { kind: 'del', text: 'WHERE x > 1' },
      { kind: 'add', text: 'WHERE x > 2' },
    ]);
    expect(revisionText({ a: 1 })).toBe(canonicalJson({ a: 1 }));
  });
});
