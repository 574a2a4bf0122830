import { readFileSync, statSync } from 'node:fs';

/**
 * A numeric column of a small, plain CSV file read without DuckDB: loading the engine is most
 * of a short `llano analytics` command's time. Only files whose reading leaves no room for
 * interpretation qualify (a header of distinct names, commas, no quotes, no blank or ragged
 * lines, every value of the column a plain decimal number); anything else returns null and
 * DuckDB reads the file as before, so the answer never depends on which reader ran.
 */
export const SMALL_CSV_BYTES = 256 * 1024;

// Numbers as DuckDB's sniffer and JavaScript read them alike (no sign '+', no leading zeros).
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function readSmallCsvColumn(file: string, column: string): Float64Array | null {
  if (!/\.csv$/i.test(file)) return null;
  let text: string;
  try {
    if (statSync(file).size > SMALL_CSV_BYTES) return null;
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  // Quotes, other delimiters DuckDB might sniff, a byte order mark or bytes that are not UTF-8: DuckDB decides.
  if (/["\t;|\uFEFF\uFFFD]/.test(text)) return null;
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.at(-1) === '') lines.pop();
  if (lines.length < 2) return null;
  const header = lines[0].split(',');
  // A header DuckDB would take for data, or rename (duplicates), or trim, is left to DuckDB.
  if (header.length < 2 || new Set(header).size !== header.length) return null;
  if (header.some((h) => h === '' || h.trim() !== h || NUMBER.test(h))) return null;
  const at = header.indexOf(column);
  if (at < 0) return null;
  const values = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i].split(',');
    if (fields.length !== header.length) return null;
    const v = fields[at];
    if (!NUMBER.test(v) || !Number.isFinite(Number(v))) return null;
    values[i - 1] = Number(v);
  }
  return values;
}
