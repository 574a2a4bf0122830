/**
 * What replacing a dataset's data with a file would change, worked out in the browser before
 * the upload: the file's columns (from the header of a CSV or TSV), the columns gone and new,
 * and the recipes reading the dataset, with those whose SQL names a column that goes.
 */
export interface UploadImpact {
  /** null when the file's columns cannot be read before importing it (Parquet, JSON). */
  added: string[] | null;
  removed: string[] | null;
  readers: string[];
  /** Readers whose SQL names a removed column: they fail on their next build. */
  breaks: string[];
}

/** The column names of a delimited file's first line; null for formats without a text header. */
export function headerColumns(firstChunk: string, fileName: string, delimiter = ''): string[] | null {
  if (!/\.(csv|tsv|txt)$/i.test(fileName)) return null;
  const line = firstChunk.split(/\r?\n/)[0] ?? '';
  const sep = delimiter === '\\t' ? '\t' : delimiter || guessDelimiter(line, fileName);
  return splitLine(line, sep).map((c) => c.trim());
}

function guessDelimiter(line: string, fileName: string): string {
  if (/\.tsv$/i.test(fileName)) return '\t';
  const counts = [',', ';', '\t', '|'].map((d) => [d, line.split(d).length] as const);
  return counts.sort((a, b) => b[1] - a[1])[0][0];
}

/** Splits one line on `sep`, honouring double quotes ("a,b" is one field, "" an escaped quote). */
function splitLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

const mentions = (sql: string, column: string) =>
  new RegExp(`(^|[^A-Za-z0-9_])"?${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"?($|[^A-Za-z0-9_])`, 'i').test(sql);

export function uploadImpact(
  dataset: string,
  currentColumns: string[],
  fileColumns: string[] | null,
  recipes: { name: string; inputs: string[]; sql?: unknown }[],
): UploadImpact {
  const readers = recipes.filter((r) => r.inputs.includes(dataset));
  if (!fileColumns) return { added: null, removed: null, readers: readers.map((r) => r.name), breaks: [] };
  const lower = new Set(fileColumns.map((c) => c.toLowerCase()));
  const removed = currentColumns.filter((c) => !lower.has(c.toLowerCase()));
  const had = new Set(currentColumns.map((c) => c.toLowerCase()));
  const added = fileColumns.filter((c) => !had.has(c.toLowerCase()));
  const breaks = readers
    .filter((r) => typeof r.sql === 'string' && removed.some((c) => mentions(r.sql as string, c)))
    .map((r) => r.name);
  return { added, removed, readers: readers.map((r) => r.name), breaks };
}
