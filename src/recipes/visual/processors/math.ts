import { z } from 'zod';
import { compileFormula } from '../formula.js';
import { columnList, columnName, ident, literal } from '../sql.js';
import { processor, setColumns } from './processor.js';

export const mathProcessors = [
  processor(
    'formula',
    'math',
    'Formula',
    z.object({
      formula: z
        .string()
        .min(1)
        .max(10_000)
        .describe("e.g. if trec > 100 then 'hot' else 'ok' end; columns by name or [any name]"),
      output: columnName,
    }),
    (s, from) => setColumns(from, [[s.output, compileFormula(s.formula)]]),
  ),
  processor(
    'bin',
    'math',
    'Bin numbers',
    z
      .object({
        column: columnName,
        output: columnName,
        width: z.number().positive().optional().describe('Fixed-width bins: each value gets its bin start'),
        origin: z.number().default(0),
        edges: z.array(z.number()).max(1000).optional().describe('Or bins between these increasing edges'),
        labels: z.array(z.string().max(200)).optional().describe('With edges: one label per bin (edges minus one)'),
      })
      .refine((s) => (s.width === undefined) !== (s.edges === undefined), 'give width or edges')
      .refine((s) => !s.edges || s.edges.every((e, i) => i === 0 || e > s.edges![i - 1]), 'edges must increase')
      .refine(
        (s) => !s.labels || (s.edges && s.labels.length === s.edges.length - 1),
        'one label per bin (edges minus one)',
      ),
    (s, from) => {
      const c = ident(s.column);
      if (s.width !== undefined)
        return setColumns(from, [
          [
            s.output,
            `(floor((${c} - ${literal(s.origin)}) / ${literal(s.width)}) * ${literal(s.width)} + ${literal(s.origin)})`,
          ],
        ]);
      const edges = s.edges!;
      // Bins include their lower edge; the last also its upper one; values outside are empty.
      const cases = edges.slice(0, -1).map((lo, i) => {
        const hi = edges[i + 1];
        const label = s.labels ? literal(s.labels[i]) : literal(`[${lo}, ${hi}${i === edges.length - 2 ? ']' : ')'}`);
        const upper = i === edges.length - 2 ? `${c} <= ${literal(hi)}` : `${c} < ${literal(hi)}`;
        return `WHEN ${c} >= ${literal(lo)} AND ${upper} THEN ${label}`;
      });
      return setColumns(from, [[s.output, cases.length ? `CASE ${cases.join(' ')} END` : 'NULL']]);
    },
  ),
  processor(
    'row-stats',
    'math',
    'Statistics across columns',
    z.object({
      columns: columnList.min(1),
      stat: z
        .enum(['sum', 'avg', 'min', 'max', 'count'])
        .default('sum')
        .describe('Over the non-empty values of the row'),
      output: columnName,
    }),
    (s, from) => {
      const list = `[${s.columns.map((c) => ident(c)).join(', ')}]`;
      const fn = { sum: 'list_sum', avg: 'list_avg', min: 'list_min', max: 'list_max', count: 'list_count' }[s.stat];
      return setColumns(from, [[s.output, `${fn}(${list})`]]);
    },
  ),
];
