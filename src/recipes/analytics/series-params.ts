import { z } from 'zod';

/** The fields every analysis recipe takes: which series (groupBy), in which order, of which value column. */
export const seriesParams = {
  groupBy: z
    .array(z.string().min(1))
    .max(20)
    .default([])
    .describe('Columns whose values identify one series (e.g. antenna and band); none = the whole input is one series'),
  column: z.string().min(1, 'Name the value column').describe('The numeric column analysed'),
};

export const orderByParam = z
  .string()
  .min(1, 'Name the column that orders each series')
  .describe('The column that orders each series: a time, date or number');
