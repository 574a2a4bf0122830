import { z } from 'zod';
import { columnName, ident, literal } from '../sql.js';
import { intoColumn, outputField, processor, setColumns } from './processor.js';

export const extractProcessors = [
  processor(
    'split',
    'extract',
    'Split on a delimiter',
    z.object({
      column: columnName,
      delimiter: z.string().min(1).max(100),
      outputs: z
        .array(columnName)
        .min(1)
        .max(1000)
        .describe('Part 1 goes into the first column, part 2 into the second…'),
    }),
    (s, from) => {
      const parts = `string_split(CAST(${ident(s.column)} AS VARCHAR), ${literal(s.delimiter)})`;
      // A missing part is empty (NULL): list indexing past the end gives NULL.
      return setColumns(
        from,
        s.outputs.map((o, i) => [o, `${parts}[${i + 1}]`] as const),
      );
    },
  ),
  processor(
    'regex-extract',
    'extract',
    'Extract with a regular expression',
    z.object({
      column: columnName,
      pattern: z.string().min(1).max(10_000).describe('RE2 syntax, e.g. ^(\\w+)-(\\d+)$'),
      outputs: z
        .array(z.object({ group: z.number().int().min(0).max(99).default(1), as: columnName }))
        .min(1)
        .describe('Which capture group goes into which column'),
    }),
    (s, from) => {
      const text = `CAST(${ident(s.column)} AS VARCHAR)`;
      const pat = literal(s.pattern);
      // No match gives an empty value rather than DuckDB's empty text.
      return setColumns(
        from,
        s.outputs.map(
          (o) =>
            [
              o.as,
              `CASE WHEN regexp_matches(${text}, ${pat}) THEN regexp_extract(${text}, ${pat}, ${o.group}) END`,
            ] as const,
        ),
      );
    },
  ),
  processor(
    'json-path',
    'extract',
    'Extract from JSON',
    z.object({
      column: columnName,
      path: z.string().min(1).max(1000).describe('JSONPath, e.g. $.device.serial'),
      output: outputField,
    }),
    (s, from) => intoColumn(from, s.column, s.output, `json_extract_string(${ident(s.column)}, ${literal(s.path)})`),
  ),
];

export const substringProcessor = processor(
  'substring',
  'extract',
  'Extract part of a text',
  z.object({
    column: columnName,
    start: z.number().int().describe('1 is the first character; negative counts from the end'),
    length: z.number().int().min(0).optional(),
    output: outputField,
  }),
  (s, from) => {
    const text = `CAST(${ident(s.column)} AS VARCHAR)`;
    const expr = s.length === undefined ? `substr(${text}, ${s.start})` : `substr(${text}, ${s.start}, ${s.length})`;
    return intoColumn(from, s.column, s.output, expr);
  },
);
