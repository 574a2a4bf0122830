/** Dataset/recipe names are SQL identifiers: letters, digits, underscores. */
export const OBJECT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** `Receiver temps (2022).csv` → `receiver_temps_2022`. */
export function nameFromFileName(fileName: string): string {
  const base = fileName.replace(/\.(csv|tsv|txt|parquet|jsonl|ndjson|json)(\.(gz|gzip|zst|zstd))?$/i, '');
  let name = base
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/_+/g, '_');
  if (!name) name = 'dataset';
  if (/^[0-9]/.test(name)) name = 'd_' + name;
  return name.slice(0, 128);
}
