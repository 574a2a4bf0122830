/**
 * The export formats the data endpoint streams (`?format=…`), as the download menu lists them.
 * JSON needs `download=true` to mean the whole data. CSV escapes cells a spreadsheet would run as
 * formulas (`=…`, `+…`, `-…`, `@…`) unless `formulas=keep`: for data going to another program,
 * not to a spreadsheet.
 */
export const EXPORT_FORMATS = [
  { query: 'format=csv', label: 'CSV' },
  { query: 'format=csv&formulas=keep', label: 'CSV, formulas kept (not for spreadsheets)' },
  { query: 'format=json&download=true', label: 'JSON (an array of rows)' },
  { query: 'format=jsonl', label: 'JSON lines' },
  { query: 'format=parquet', label: 'Parquet' },
  { query: 'format=arrow', label: 'Arrow IPC' },
] as const;
