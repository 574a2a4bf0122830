import { z } from 'zod';
import { allBut, columnName, ident } from '../sql.js';

/**
 * A processor of a prepare recipe: its fields (zod) and its SQL, one SELECT reading `from` (the
 * previous step's relation). Processors are grouped in families, one file each.
 */
export interface Processor {
  processor: string;
  family: string;
  label: string;
  fields: z.ZodObject;
  compile(step: Record<string, unknown>, from: string): string;
}

export function processor<S extends z.ZodRawShape>(
  name: string,
  family: string,
  label: string,
  fields: z.ZodObject<S>,
  compile: (step: z.output<z.ZodObject<S>>, from: string) => string,
): Processor {
  return {
    processor: name,
    family,
    label,
    fields: fields,
    compile: compile,
  };
}

/** Columns changed in place: `SELECT * REPLACE (expr AS col, …)` keeps their position. */
export function replaceColumns(from: string, columns: readonly string[], expr: (col: string) => string): string {
  const unique = [...new Set(columns)];
  return `SELECT * REPLACE (${unique.map((c) => `${expr(ident(c))} AS ${ident(c)}`).join(', ')}) FROM ${from}`;
}

/** Columns set: added at the end, or replacing (and moved to the end) a column of that name. */
export function setColumns(from: string, columns: readonly (readonly [string, string])[]): string {
  return `SELECT ${allBut(columns.map(([n]) => n))}, ${columns.map(([n, e]) => `${e} AS ${ident(n)}`).join(', ')} FROM ${from}`;
}

/** A one-column result written in place, or into `output` when given. */
export function intoColumn(from: string, column: string, output: string | undefined, expr: string): string {
  return output ? setColumns(from, [[output, expr]]) : `SELECT * REPLACE (${expr} AS ${ident(column)}) FROM ${from}`;
}

export const outputField = columnName.optional().describe('Write into this column (default: replace the input column)');
