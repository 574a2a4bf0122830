import { badRequest, type LlanoError } from '../../common/errors.js';

/**
 * The error of a code output DuckDB could not read with its column types, in the user's words:
 * which column, which value and which row, and whether the types were declared (`outputSchema`)
 * or taken from the first rows written. DuckDB's own text names the internal file the output
 * crossed in (its lines, its path, options of its reader), which the user never wrote.
 * `rowsCounted`: the output is one file, so a line of it is a row of the output.
 */
export function outputMismatch(error: unknown, declared: boolean, rowsCounted: boolean): LlanoError {
  const text = error instanceof Error ? error.message : String(error);
  const what = declared ? 'its declared outputSchema' : 'the column types taken from the first rows it wrote';
  const advice = declared ? '' : '; declare outputSchema to choose the types';
  const csv = /Error when converting column "([^"]+)"\. Could not convert string "(.*)" to '([^']+)'/.exec(text);
  const line = /CSV Error on Line: (\d+)\n/.exec(text);
  // A CSV output has a header line: its line 3 is the output's row 2.
  const csvRow = rowsCounted && line ? ` in row ${Number(line[1]) - 1}` : '';
  if (csv) {
    const [, column, value, type] = csv;
    return badRequest(
      `The code's output does not match ${what}: column ${column} (${type}) got the value "${value.replaceAll('""', '"')}"${csvRow}${advice}`,
      { column, value: value.replaceAll('""', '"'), type },
    );
  }
  const json = /JSON transform error in file "[^"]*", in line (\d+): ([^\n]*)/.exec(text);
  if (json) {
    const jsonRow = rowsCounted ? ` in row ${json[1]}` : '';
    return badRequest(`The code's output does not match ${what}${jsonRow}: ${json[2]}${advice}`);
  }
  // Another error: its first line, without the internal file's line number.
  const first = text.split('\n')[0].replace(/:? ?CSV Error on Line: \d+/, '');
  return badRequest(`The code's output does not match ${what}: ${first}${advice}`);
}
