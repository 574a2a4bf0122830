import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFormula } from './formula.js';
import { compilePrepare, PrepareParamsSchema } from './prepare.js';
import { PROCESSORS } from './processors/index.js';
import { testDb, type TestDb } from './test-db.js';

/**
 * Each processor against an independent computation in JS over the same fixture: nulls,
 * duplicates, ties, blank texts, a column whose name is hostile SQL.
 */
const W = 'we"ird -- ); DROP TABLE raw; --';
type Row = {
  id: number;
  antenna: string;
  band: string | null;
  trec: number | null;
  ts: string | null;
  note: string | null;
  [W]: string | null;
};
const ROWS: Row[] = [
  { id: 1, antenna: 'DA41', band: 'B6', trec: 35.5, ts: '2024-01-01 00:00:00', note: ' hello  there ', [W]: 'x' },
  { id: 2, antenna: 'DA41', band: 'B6', trec: null, ts: '2024-01-01 01:00:00', note: null, [W]: null },
  { id: 3, antenna: 'DA42', band: 'B3', trec: 120.25, ts: '2024-01-02 00:00:00', note: 'World', [W]: "o'k" },
  { id: 4, antenna: 'DA42', band: 'B3', trec: 120.25, ts: null, note: '', [W]: 'y' },
  { id: 5, antenna: 'DA43', band: null, trec: -5, ts: '2024-03-31 01:30:00', note: 'a,b,c', [W]: 'z' },
  { id: 6, antenna: 'DA41', band: 'B6', trec: 35.5, ts: '2024-01-01 00:00:00', note: ' hello  there ', [W]: 'x' },
];
const COLUMNS: [string, string][] = [
  ['id', 'INTEGER'],
  ['antenna', 'VARCHAR'],
  ['band', 'VARCHAR'],
  ['trec', 'DOUBLE'],
  ['ts', 'TIMESTAMP'],
  ['note', 'VARCHAR'],
  [W, 'VARCHAR'],
];

let db: TestDb;
beforeAll(async () => {
  db = await testDb();
  await db.table(
    'raw',
    COLUMNS,
    ROWS.map((r) => COLUMNS.map(([c]) => r[c as keyof Row])),
  );
});
afterAll(() => db?.close());

const sqlOf = (steps: unknown[]) => compilePrepare(PrepareParamsSchema.parse({ steps }) as never, ['raw']);
const run = async (steps: unknown[]) => {
  const rows = await db.rows(sqlOf(steps));
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
};
const keep = (rows: Row[], pick: (r: Row) => Record<string, unknown>) => rows.map(pick);
const tested = new Set<string>();
const check = (name: string, steps: unknown[], expected: () => unknown) =>
  it(name, async () => {
    for (const s of steps) tested.add((s as { processor: string }).processor);
    expect(await run(steps)).toEqual(expected());
  });

describe('prepare processors', () => {
  check(
    'filter-value keeps matching rows; a NULL never matches',
    [{ processor: 'filter-value', column: 'band', value: 'B6' }],
    () => ROWS.filter((r) => r.band === 'B6'),
  );
  check(
    'filter-value remove keeps rows whose condition is unknown',
    [{ processor: 'filter-value', column: 'band', value: 'B6', action: 'remove' }],
    () => ROWS.filter((r) => r.band !== 'B6'),
  );
  check(
    'filter-value in, on a hostile column',
    [{ processor: 'filter-value', column: W, operator: 'in', values: ["o'k", 'z'] }],
    () => ROWS.filter((r) => r[W] === "o'k" || r[W] === 'z'),
  );
  check(
    'filter-value contains flags rows',
    [
      {
        processor: 'filter-value',
        column: 'note',
        operator: 'contains',
        value: 'hello',
        action: 'flag',
        flagColumn: 'has hello',
      },
    ],
    () => ROWS.map((r) => ({ ...r, 'has hello': r.note?.includes('hello') ?? false })),
  );
  check(
    'filter-range includes its bounds',
    [{ processor: 'filter-range', column: 'trec', min: 35.5, max: 120.25 }],
    () => ROWS.filter((r) => r.trec !== null && r.trec >= 35.5 && r.trec <= 120.25),
  );
  check(
    'filter-range exclusive, max only',
    [{ processor: 'filter-range', column: 'trec', max: 120.25, inclusive: false }],
    () => ROWS.filter((r) => r.trec !== null && r.trec < 120.25),
  );
  check(
    'filter-date-range: from included, to excluded',
    [{ processor: 'filter-date-range', column: 'ts', from: '2024-01-01T00:00:00', to: '2024-01-02' }],
    () => ROWS.filter((r) => r.ts !== null && r.ts >= '2024-01-01 00:00:00' && r.ts < '2024-01-02 00:00:00'),
  );
  check('filter-formula', [{ processor: 'filter-formula', formula: "trec > 30 and not (antenna = 'DA42')" }], () =>
    ROWS.filter((r) => r.trec !== null && r.trec > 30 && r.antenna !== 'DA42'),
  );
  check(
    'filter-empty any, blank texts count',
    [{ processor: 'filter-empty', columns: ['note', 'trec'], action: 'remove' }],
    () => ROWS.filter((r) => !(r.note === null || r.note.trim() === '' || r.trec === null)),
  );
  check(
    'filter-empty all',
    [{ processor: 'filter-empty', columns: ['note', 'band'], how: 'all', emptyText: false }],
    () => ROWS.filter((r) => r.note === null && r.band === null),
  );
  it('remove-duplicates keeps the first of each group in the order given', async () => {
    tested.add('remove-duplicates');
    const rows = await run([
      { processor: 'remove-duplicates', columns: ['antenna'], keepOrder: [{ column: 'id', descending: true }] },
    ]);
    const last = new Map<string, Row>();
    for (const r of ROWS) last.set(r.antenna, r);
    expect(rows).toEqual([...last.values()].sort((a, b) => a.id - b.id));
    expect(await db.rows(sqlOf([{ processor: 'remove-duplicates' }]))).toHaveLength(ROWS.length);
  });

  check('fill-empty', [{ processor: 'fill-empty', columns: ['trec'], value: 0 }], () =>
    ROWS.map((r) => ({ ...r, trec: r.trec ?? 0 })),
  );
  check(
    'fill-empty with empty texts',
    [{ processor: 'fill-empty', columns: ['note'], value: 'n/a', emptyText: true }],
    () => ROWS.map((r) => ({ ...r, note: r.note === null || r.note === '' ? 'n/a' : r.note })),
  );
  check(
    'fill-previous within each antenna in id order',
    [{ processor: 'fill-previous', columns: ['trec', 'note'], orderBy: ['id'], partitionBy: ['antenna'] }],
    () => {
      const last = new Map<string, Partial<Row>>();
      return ROWS.map((r) => {
        const prev = last.get(r.antenna) ?? {};
        const out = { ...r, trec: r.trec ?? prev.trec ?? null, note: r.note ?? prev.note ?? null };
        last.set(r.antenna, { trec: out.trec, note: out.note });
        return out;
      });
    },
  );
  check('fill-next', [{ processor: 'fill-next', columns: ['ts'], orderBy: ['id'] }], () =>
    ROWS.map((r, i) => ({ ...r, ts: r.ts ?? ROWS.slice(i + 1).find((n) => n.ts !== null)?.ts ?? null })),
  );
  check(
    'find-replace substring, with quotes',
    [{ processor: 'find-replace', columns: [W], find: "'", replace: "''" }],
    () => ROWS.map((r) => ({ ...r, [W]: r[W]?.split("'").join("''") ?? null })),
  );
  check(
    'find-replace case-insensitive takes the text literally',
    [{ processor: 'find-replace', columns: ['note'], find: 'A,B', replace: '$1.*', caseSensitive: false }],
    () => ROWS.map((r) => ({ ...r, note: r.note?.replace(/a,b/gi, '$1.*') ?? null })),
  );
  check(
    'find-replace whole value',
    [{ processor: 'find-replace', columns: ['antenna'], find: 'DA41', replace: 'DV01', match: 'whole' }],
    () => ROWS.map((r) => ({ ...r, antenna: r.antenna === 'DA41' ? 'DV01' : r.antenna })),
  );
  check(
    'find-replace regex',
    [{ processor: 'find-replace', columns: ['antenna'], find: '^DA(\\d)', replace: 'X\\1', match: 'regex' }],
    () => ROWS.map((r) => ({ ...r, antenna: r.antenna.replace(/^DA(\d)/, 'X$1') })),
  );
  check('trim and collapse', [{ processor: 'trim', columns: ['note'], collapse: true }], () =>
    ROWS.map((r) => ({ ...r, note: r.note === null ? null : r.note.trim().replace(/\s+/g, ' ') })),
  );
  check('trim left', [{ processor: 'trim', columns: ['note'], side: 'left' }], () =>
    ROWS.map((r) => ({ ...r, note: r.note === null ? null : r.note.replace(/^ +/, '') })),
  );
  check(
    'change-case upper and title',
    [
      { processor: 'change-case', columns: ['band'], case: 'lower' },
      { processor: 'change-case', columns: ['note'], case: 'title' },
    ],
    () =>
      ROWS.map((r) => ({
        ...r,
        band: r.band?.toLowerCase() ?? null,
        note:
          r.note === null
            ? null
            : r.note
                .toLowerCase()
                .split(' ')
                .map((w) => w.slice(0, 1).toUpperCase() + w.slice(1))
                .join(' '),
      })),
  );
  check(
    'round to 1 decimal, floor to tens',
    [
      { processor: 'round', columns: ['trec'], decimals: 1 },
      { processor: 'copy', column: 'trec', to: 'tens' },
      { processor: 'round', columns: ['tens'], decimals: -1, mode: 'floor' },
    ],
    () =>
      ROWS.map((r) => ({
        ...r,
        trec: r.trec === null ? null : Math.round(r.trec * 10) / 10,
        tens: r.trec === null ? null : Math.floor(Math.round(r.trec * 10) / 10 / 10) * 10,
      })),
  );
  check('clip keeps empty values empty', [{ processor: 'clip', columns: ['trec'], min: 0, max: 100 }], () =>
    ROWS.map((r) => ({ ...r, trec: r.trec === null ? null : Math.min(100, Math.max(0, r.trec)) })),
  );
  check('null-if markers', [{ processor: 'null-if', columns: ['trec'], values: [-5, 120.25] }], () =>
    ROWS.map((r) => ({ ...r, trec: r.trec === -5 || r.trec === 120.25 ? null : r.trec })),
  );
  check('pad', [{ processor: 'pad', columns: ['id'], length: 3, with: '0' }], () =>
    ROWS.map((r) => ({ ...r, id: String(r.id).padStart(3, '0') })),
  );

  check('rename, hostile name to a plain one', [{ processor: 'rename', renames: [{ from: W, to: 'plain' }] }], () =>
    ROWS.map(({ [W]: w, ...r }) => ({ ...r, plain: w })),
  );
  check(
    'delete and keep',
    [
      { processor: 'delete', columns: [W, 'note'] },
      { processor: 'keep', columns: ['trec', 'id'] },
    ],
    () => keep(ROWS, (r) => ({ trec: r.trec, id: r.id })),
  );
  it('reorder moves columns first', async () => {
    tested.add('reorder');
    expect(await db.columns(sqlOf([{ processor: 'reorder', columns: ['note', W] }]))).toEqual([
      'note',
      W,
      'id',
      'antenna',
      'band',
      'trec',
      'ts',
    ]);
  });
  check(
    'concatenate skipping, as empty, or null',
    [
      { processor: 'concatenate', columns: ['antenna', 'band'], separator: '|', output: 'skip' },
      { processor: 'concatenate', columns: ['antenna', 'band'], separator: '|', output: 'empty', nulls: 'empty' },
      { processor: 'concatenate', columns: ['antenna', 'band'], separator: '|', output: 'null', nulls: 'null' },
    ],
    () =>
      ROWS.map((r) => ({
        ...r,
        skip: [r.antenna, r.band].filter((x) => x !== null).join('|'),
        empty: `${r.antenna}|${r.band ?? ''}`,
        null: r.band === null ? null : `${r.antenna}|${r.band}`,
      })),
  );
  check(
    'constant and row-number with ties broken by id',
    [
      { processor: 'constant', output: 'site', value: "Chajnantor's" },
      {
        processor: 'row-number',
        output: 'n',
        orderBy: [{ column: 'trec', descending: true }, { column: 'id' }],
        partitionBy: ['antenna'],
      },
    ],
    () => {
      const out = ROWS.map((r) => ({ ...r, site: "Chajnantor's", n: 0 }));
      for (const a of new Set(ROWS.map((r) => r.antenna))) {
        const group = out
          .filter((r) => r.antenna === a)
          .sort((x, y) => (y.trec ?? -Infinity) - (x.trec ?? -Infinity) || x.id - y.id);
        // NULLS LAST whatever the direction
        group.sort((x, y) => (x.trec === null ? 1 : 0) - (y.trec === null ? 1 : 0));
        group.forEach((r, i) => (r.n = i + 1));
      }
      return out;
    },
  );

  check(
    'split on a delimiter; missing parts are empty',
    [{ processor: 'split', column: 'note', delimiter: ',', outputs: ['p1', 'p2', 'p3', 'p4'] }],
    () =>
      ROWS.map((r) => {
        const parts = r.note === null ? [] : r.note.split(',');
        return {
          ...r,
          p1: r.note === null ? null : parts[0],
          p2: parts[1] ?? null,
          p3: parts[2] ?? null,
          p4: parts[3] ?? null,
        };
      }),
  );
  check(
    'regex-extract: no match is empty',
    [
      {
        processor: 'regex-extract',
        column: 'antenna',
        pattern: '^([A-Z]+)(4[12])$',
        outputs: [
          { group: 1, as: 'kind' },
          { group: 2, as: 'num' },
        ],
      },
    ],
    () =>
      ROWS.map((r) => {
        const m = /^([A-Z]+)(4[12])$/.exec(r.antenna);
        return { ...r, kind: m ? m[1] : null, num: m ? m[2] : null };
      }),
  );
  check('substring from the end', [{ processor: 'substring', column: 'antenna', start: -2, output: 'last2' }], () =>
    ROWS.map((r) => ({ ...r, last2: r.antenna.slice(-2) })),
  );

  check(
    'fold keeps empty values when asked',
    [
      { processor: 'keep', columns: ['id', 'band', 'note'] },
      { processor: 'fold', columns: ['band', 'note'], nameColumn: 'field', keepEmpty: true },
    ],
    () =>
      ROWS.flatMap((r) => [
        { id: r.id, field: 'band', value: r.band },
        { id: r.id, field: 'note', value: r.note },
      ]),
  );
  check(
    'unfold',
    [
      { processor: 'keep', columns: ['id', 'band', 'trec'] },
      { processor: 'unfold', column: 'band', valueColumn: 'trec', values: ['B3', 'B6'], prefix: 'trec_' },
    ],
    () =>
      ROWS.map((r) => ({
        id: r.id,
        band: r.band,
        trec: r.trec,
        trec_B3: r.band === 'B3' ? r.trec : null,
        trec_B6: r.band === 'B6' ? r.trec : null,
      })),
  );

  check(
    'formula with if / elif / else',
    [
      {
        processor: 'formula',
        output: 'state',
        formula: "if trec > 100 then 'hot' elif trec is null then 'none' else 'ok' & '!' end",
      },
    ],
    () => ROWS.map((r) => ({ ...r, state: r.trec === null ? 'none' : r.trec > 100 ? 'hot' : 'ok!' })),
  );
  check(
    'formula reads a hostile column in brackets',
    [{ processor: 'formula', output: 'n', formula: `length([${W.replace(/]/g, ']]')}]) * 2 + 1` }],
    () => ROWS.map((r) => ({ ...r, n: r[W] === null ? null : r[W].length * 2 + 1 })),
  );
  check('bin fixed width', [{ processor: 'bin', column: 'trec', output: 'bin', width: 50 }], () =>
    ROWS.map((r) => ({ ...r, bin: r.trec === null ? null : Math.floor(r.trec / 50) * 50 })),
  );
  check(
    'bin on edges with labels; outside is empty',
    [{ processor: 'bin', column: 'trec', output: 'bin', edges: [0, 50, 120.25], labels: ['cold', 'warm'] }],
    () => ROWS.map((r) => ({ ...r, bin: r.trec === null || r.trec < 0 ? null : r.trec < 50 ? 'cold' : 'warm' })),
  );
  check(
    'row-stats over non-empty values',
    [
      { processor: 'row-stats', columns: ['id', 'trec'], stat: 'avg', output: 'm' },
      { processor: 'row-stats', columns: ['id', 'trec'], stat: 'count', output: 'c' },
    ],
    () => ROWS.map((r) => ({ ...r, m: r.trec === null ? r.id : (r.id + r.trec) / 2, c: r.trec === null ? 1 : 2 })),
  );

  check(
    'cast to null on error, with a flag',
    [{ processor: 'cast', columns: ['note'], to: 'INTEGER', onError: 'flag', flagColumn: 'bad' }],
    () => ROWS.map((r) => ({ ...r, note: null, bad: r.note !== null && !/^\s*-?\d+\s*$/.test(r.note) })),
  );
  it('cast failing stops the query', async () => {
    tested.add('cast');
    await expect(run([{ processor: 'cast', columns: ['note'], to: 'INTEGER' }])).rejects.toThrow(/Conversion|convert/i);
  });

  it('disabled steps are skipped and the SQL quotes everything', async () => {
    const sql = sqlOf([
      { processor: 'delete', columns: [W], enabled: false },
      { processor: 'fill-empty', columns: [W], value: "'); DROP TABLE raw; --" },
    ]);
    expect(sql).not.toContain('step 1');
    const rows = await run([{ processor: 'fill-empty', columns: [W], value: "'); DROP TABLE raw; --" }]);
    expect(rows[1][W]).toBe("'); DROP TABLE raw; --");
    expect(await db.rows('SELECT count(*) AS n FROM raw')).toEqual([{ n: 6 }]);
  });

  it('no step: the input as it is', () => {
    expect(sqlOf([])).toBe('SELECT * FROM "raw"');
  });
});

describe('prepare date processors (time zones)', () => {
  check(
    'parse-date detects among formats; unparsable is empty',
    [
      { processor: 'keep', columns: ['id', 'note'] },
      { processor: 'constant', output: 'd', value: null },
      {
        processor: 'formula',
        output: 'd',
        formula:
          "if id = 1 then '31/12/2024' elif id = 2 then '2024-02-29 10:11:12' elif id = 3 then 'nope' else null end",
      },
      { processor: 'parse-date', column: 'd' },
    ],
    () =>
      ROWS.map((r) => ({
        id: r.id,
        note: r.note,
        d: r.id === 1 ? '2024-12-31 00:00:00' : r.id === 2 ? '2024-02-29 10:11:12' : null,
      })),
  );
  check(
    'format-date and extract parts',
    [
      { processor: 'keep', columns: ['id', 'ts'] },
      { processor: 'format-date', column: 'ts', format: '%d/%m %H:%M', output: 'txt' },
      {
        processor: 'extract-date-part',
        column: 'ts',
        parts: [
          { part: 'month', as: 'm' },
          { part: 'dayofweek', as: 'dow' },
        ],
      },
    ],
    () =>
      ROWS.map((r) => {
        const d = r.ts === null ? null : new Date(r.ts.replace(' ', 'T') + 'Z');
        return {
          id: r.id,
          ts: r.ts,
          txt: d
            ? `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')} ${r.ts!.slice(11, 16)}`
            : null,
          m: d ? d.getUTCMonth() + 1 : null,
          dow: d ? d.getUTCDay() : null,
        };
      }),
  );
  check(
    'date-diff in hours, boundaries and exact',
    [
      { processor: 'keep', columns: ['id', 'ts'] },
      { processor: 'formula', output: 'ref', formula: "to_timestamp('2024-01-01 00:30:00')" },
      { processor: 'date-diff', start: 'ref', end: 'ts', unit: 'hour', output: 'h' },
      { processor: 'date-diff', start: 'ref', end: 'ts', unit: 'hour', exact: true, output: 'hx' },
      { processor: 'delete', columns: ['ref'] },
    ],
    () =>
      ROWS.map((r) => {
        const ms = r.ts === null ? null : Date.parse(r.ts.replace(' ', 'T') + 'Z') - Date.parse('2024-01-01T00:30:00Z');
        const hourOf = (t: string) => Math.floor(Date.parse(t.replace(' ', 'T') + 'Z') / 3_600_000);
        return {
          id: r.id,
          ts: r.ts,
          h: r.ts === null ? null : hourOf(r.ts) - hourOf('2024-01-01 00:30:00'),
          hx: ms === null ? null : ms / 3_600_000,
        };
      }),
  );
  check(
    'time-zone both ways, across the Santiago DST change',
    [
      { processor: 'keep', columns: ['id', 'ts'] },
      { processor: 'time-zone', column: 'ts', zone: 'America/Santiago', output: 'local' },
      { processor: 'time-zone', column: 'local', zone: 'America/Santiago', direction: 'local-to-utc', output: 'back' },
      { processor: 'date-truncate', column: 'ts', unit: 'month', output: 'month' },
    ],
    () =>
      ROWS.map((r) => {
        if (r.ts === null) return { id: r.id, ts: null, local: null, back: null, month: null };
        const d = new Date(r.ts.replace(' ', 'T') + 'Z');
        const local = new Intl.DateTimeFormat('sv-SE', {
          timeZone: 'America/Santiago',
          dateStyle: 'short',
          timeStyle: 'medium',
        }).format(d);
        return { id: r.id, ts: r.ts, local, back: r.ts, month: `${r.ts.slice(0, 7)}-01 00:00:00` };
      }),
  );
  check(
    'json-path',
    [
      { processor: 'keep', columns: ['id', 'antenna'] },
      { processor: 'formula', output: 'j', formula: `'{"device": {"serial": "' & antenna & '"}}'` },
      { processor: 'json-path', column: 'j', path: '$.device.serial' },
    ],
    () => ROWS.map((r) => ({ id: r.id, antenna: r.antenna, j: r.antenna })),
  );
});

describe('coverage', () => {
  it('at least 25 processors are tested against an independent computation', () => {
    const untested = PROCESSORS.map((p) => p.processor).filter((p) => !tested.has(p));
    expect(tested.size, `untested: ${untested.join(', ')}`).toBeGreaterThanOrEqual(25);
  });
});

describe('formula language', () => {
  it('quotes columns and texts, refuses anything else', () => {
    expect(compileFormula(`[a]]b] + "x""y"`)).toBe(`("a]b" + 'x"y')`);
    expect(() => compileFormula('a; DROP TABLE t')).toThrow(/unexpected ";"/);
    expect(() => compileFormula('read_csv(1)')).toThrow(/unknown function read_csv/);
    expect(() => compileFormula('if a then b else')).toThrow(/unexpected end/);
    expect(() => compileFormula('(('.repeat(200) + '1')).toThrow(/nested|expected/);
  });
});
