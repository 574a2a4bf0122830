import { z } from 'zod';
import { columnList, columnName, ident, sqlType } from '../sql.js';
import { processor } from './processor.js';

export const typeProcessors = [
  processor(
    'cast',
    'types',
    'Change type',
    z.object({
      columns: columnList.min(1),
      to: sqlType,
      onError: z
        .enum(['fail', 'null', 'flag'])
        .default('fail')
        .describe(
          'A value that does not convert: the build fails, it becomes empty, or it becomes empty and a flag column says so',
        ),
      flagColumn: columnName.optional().describe('With flag: set to true on rows where a value did not convert'),
    }),
    (s, from) => {
      const cols = [...new Set(s.columns)];
      const cast = (c: string) => `${s.onError === 'fail' ? 'CAST' : 'TRY_CAST'}(${ident(c)} AS ${s.to})`;
      const replaced = `* REPLACE (${cols.map((c) => `${cast(c)} AS ${ident(c)}`).join(', ')})`;
      if (s.onError !== 'flag') return `SELECT ${replaced} FROM ${from}`;
      const failed = cols.map((c) => `(${ident(c)} IS NOT NULL AND ${cast(c)} IS NULL)`).join(' OR ');
      return `SELECT ${replaced}, (${failed}) AS ${ident(s.flagColumn ?? 'cast_failed')} FROM ${from}`;
    },
  ),
];
