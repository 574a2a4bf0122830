import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LlanoError } from './errors.js';
import { fieldTitles } from './field-titles.js';
import { parseOr400 } from './parse.js';

const Person = z.object({ name: z.string(), age: z.number().int().min(0) });

function errorOf(fn: () => unknown): LlanoError {
  try {
    fn();
  } catch (e) {
    return e as LlanoError;
  }
  throw new Error('expected a throw');
}

describe('parseOr400', () => {
  it('returns the parsed value (defaults and transforms applied)', () => {
    expect(parseOr400(z.object({ n: z.coerce.number().default(3) }), {}, 'query')).toEqual({ n: 3 });
    expect(parseOr400(Person, { name: 'Ana', age: 4 }, 'person')).toEqual({ name: 'Ana', age: 4 });
  });

  it('throws a 400 naming every field at fault', () => {
    const e = errorOf(() => parseOr400(Person, { name: 1, age: -1 }, 'person'));
    expect(e).toBeInstanceOf(LlanoError);
    expect(e.status).toBe(400);
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/^Invalid person: name: .+; age: .+$/);
  });

  it('names a problem with the whole value after what was parsed', () => {
    expect(errorOf(() => parseOr400(Person, 'text', 'person')).message).toMatch(/^Invalid person: person: /);
  });

  it('takes another prefix and a field style', () => {
    const flags = z.object({ timeColumn: z.string() });
    const kebab = (p: string) => `--${p.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`;
    expect(errorOf(() => parseOr400(flags, {}, 'flags', { prefix: '', field: kebab })).message).toMatch(
      /^--time-column: /,
    );
    expect(errorOf(() => parseOr400(flags, {}, 'flags', { prefix: 'llano.config.json' })).message).toMatch(
      /^llano\.config\.json: timeColumn: /,
    );
  });
});

describe('field titles in error messages', () => {
  it('name fields by their form title, else as words, and items by their number', () => {
    const title = fieldTitles(
      z.object({ dailyAt: z.string().meta({ title: 'Daily at' }), timeColumn: z.string(), to: z.array(z.string()) }),
    );
    expect(title('dailyAt')).toBe('Daily at');
    expect(title('timeColumn')).toBe('Time column');
    expect(title('to.0')).toBe('To: item 1');
  });
});
