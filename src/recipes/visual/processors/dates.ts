import { z } from 'zod';
import { columnName, datePart, dateUnit, ident, literal } from '../sql.js';
import { intoColumn, outputField, processor, setColumns } from './processor.js';

/** Tried in this order when a parse step names no format ("detection"): ISO first, then day-first European forms. */
export const DEFAULT_DATE_FORMATS = [
  '%Y-%m-%dT%H:%M:%S.%f',
  '%Y-%m-%dT%H:%M:%S',
  '%Y-%m-%d %H:%M:%S.%f',
  '%Y-%m-%d %H:%M:%S',
  '%Y-%m-%d %H:%M',
  '%Y-%m-%d',
  '%Y/%m/%d',
  '%d/%m/%Y %H:%M:%S',
  '%d/%m/%Y',
  '%d.%m.%Y',
  '%Y%m%d',
];

const SECONDS: Record<z.infer<typeof dateUnit>, number> = {
  year: 365.2425 * 86400,
  quarter: (365.2425 / 4) * 86400,
  month: (365.2425 / 12) * 86400,
  week: 7 * 86400,
  day: 86400,
  hour: 3600,
  minute: 60,
  second: 1,
  millisecond: 0.001,
};

const zone = z.string().min(1).max(64).describe('IANA time zone, e.g. America/Santiago');

export const dateProcessors = [
  processor(
    'parse-date',
    'dates',
    'Parse dates',
    z.object({
      column: columnName,
      formats: z
        .array(z.string().min(1).max(100))
        .max(50)
        .default([])
        .describe('strptime formats tried in order (none: common ISO and day-first formats)'),
      onError: z
        .enum(['null', 'fail'])
        .default('null')
        .describe('A text that parses with no format: empty, or the build fails'),
      output: outputField,
    }),
    (s, from) => {
      const formats = `[${(s.formats.length ? s.formats : DEFAULT_DATE_FORMATS).map(literal).join(', ')}]`;
      const fn = s.onError === 'fail' ? 'strptime' : 'try_strptime';
      return intoColumn(from, s.column, s.output, `${fn}(CAST(${ident(s.column)} AS VARCHAR), ${formats})`);
    },
  ),
  processor(
    'format-date',
    'dates',
    'Format dates as text',
    z.object({ column: columnName, format: z.string().min(1).max(100).default('%Y-%m-%d'), output: outputField }),
    (s, from) => intoColumn(from, s.column, s.output, `strftime(${ident(s.column)}, ${literal(s.format)})`),
  ),
  processor(
    'extract-date-part',
    'dates',
    'Extract date components',
    z.object({ column: columnName, parts: z.array(z.object({ part: datePart, as: columnName })).min(1) }),
    (s, from) =>
      setColumns(
        from,
        s.parts.map((p) => [p.as, `date_part(${literal(p.part)}, ${ident(s.column)})`] as const),
      ),
  ),
  processor(
    'date-diff',
    'dates',
    'Difference between dates',
    z.object({
      start: columnName,
      end: columnName,
      unit: dateUnit.default('day'),
      exact: z
        .boolean()
        .default(false)
        .describe('A fraction of units elapsed, rather than the unit boundaries crossed'),
      output: columnName,
    }),
    (s, from) => {
      const [a, b] = [ident(s.start), ident(s.end)];
      const expr = s.exact
        ? `((epoch(${b}) - epoch(${a})) / ${SECONDS[s.unit]})`
        : `date_diff(${literal(s.unit)}, ${a}, ${b})`;
      return setColumns(from, [[s.output, expr]]);
    },
  ),
  processor(
    'date-truncate',
    'dates',
    'Truncate dates',
    z.object({ column: columnName, unit: dateUnit.default('day'), output: outputField }),
    (s, from) => intoColumn(from, s.column, s.output, `date_trunc(${literal(s.unit)}, ${ident(s.column)})`),
  ),
  processor(
    'time-zone',
    'dates',
    'Convert time zone',
    z.object({
      column: columnName,
      direction: z
        .enum(['utc-to-local', 'local-to-utc'])
        .default('utc-to-local')
        .describe('UTC times to the local time of a zone, or local times of a zone to UTC'),
      zone,
      output: outputField,
    }),
    (s, from) => {
      const ts = `CAST(${ident(s.column)} AS TIMESTAMP)`;
      // timezone(zone, naive) reads a local time of the zone; timezone(zone, instant) gives its local time there.
      const expr =
        s.direction === 'utc-to-local'
          ? `timezone(${literal(s.zone)}, timezone('UTC', ${ts}))`
          : `timezone('UTC', timezone(${literal(s.zone)}, ${ts}))`;
      return intoColumn(from, s.column, s.output, expr);
    },
  ),
];
