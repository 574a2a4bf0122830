import { badRequest } from '../common/errors.js';

/**
 * Removes one final `;` (and what follows it, if only blanks and comments) so the query can be
 * wrapped as `COPY (\n<sql>\n) TO …`. Strings, quoted names and comments are skipped while
 * scanning; DuckDB's parser then confirms the text is a single statement.
 */
export function trimSql(sql: string): string {
  let lastSemicolon = -1;
  let codeAfter = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      i = end < 0 ? sql.length : end;
      codeAfter = true;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 1;
    } else if (ch === ';') {
      lastSemicolon = i;
      codeAfter = false;
    } else if (!/\s/.test(ch)) {
      codeAfter = true;
    }
  }
  const trimmed = (lastSemicolon >= 0 && !codeAfter ? sql.slice(0, lastSemicolon) : sql).trim();
  if (trimmed === '') throw badRequest('The SQL query is empty');
  return trimmed;
}
