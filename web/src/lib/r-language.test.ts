import { StringStream } from '@codemirror/language';
import { describe, expect, it } from 'vitest';
import { rParser } from './r-language';

/** Each token of the lines as [text, style], spaces left out: what the R highlighting colours. */
function tokens(lines: string[]): [string, string | null][] {
  const state = rParser.startState?.(2) ?? { inString: null };
  const out: [string, string | null][] = [];
  for (const line of lines) {
    const stream = new StringStream(line, 2, 2);
    while (!stream.eol()) {
      stream.start = stream.pos;
      const style = rParser.token(stream, state);
      const text = stream.current();
      if (text.trim()) out.push([text, style]);
    }
  }
  return out;
}

describe('R highlighting', () => {
  it('tells keywords, constants, strings, numbers, comments, operators and definitions apart', () => {
    expect(
      tokens(['run <- function(inputs, output) { # the entry', '  if (x >= 1.5e3) NULL else "a\\"b"', '}']),
    ).toEqual([
      ['run', 'def'],
      ['<-', 'operator'],
      ['function', 'keyword'],
      ['(', null],
      ['inputs', 'variable'],
      [',', null],
      ['output', 'variable'],
      [')', null],
      ['{', null],
      ['# the entry', 'comment'],
      ['if', 'keyword'],
      ['(', null],
      ['x', 'variable'],
      ['>=', 'operator'],
      ['1.5e3', 'number'],
      [')', null],
      ['NULL', 'atom'],
      ['else', 'keyword'],
      ['"a\\"b"', 'string'],
      ['}', null],
    ]);
  });

  it('carries a string over lines', () => {
    expect(tokens(["x <- 'one", "two' %in% y"])).toEqual([
      ['x', 'variable'],
      ['<-', 'operator'],
      ["'one", 'string'],
      ["two'", 'string'],
      ['%in%', 'operator'],
      ['y', 'variable'],
    ]);
  });
});
