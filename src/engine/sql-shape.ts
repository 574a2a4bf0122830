/**
 * The shape of a SQL text: the text around its string literals. Two texts of the same shape
 * differ only inside string literals, so
 * DuckDB parses them into the same statements: what a check of one found (one SELECT, no
 * parameters) holds for the other. The partitions of a backfill run texts that differ only in
 * their `{{partition.*}}` values, which is how a backfill checks its query once.
 *
 * Whether the result columns are the same too depends on where a literal sits: its content
 * decides types inside a call (`read_csv('…')`, `struct_extract(s, '…')`, `COLUMNS('…')`),
 * never when it is compared (`day = '…'`, `IN ('…')`, `LIKE '…'`) or cast (`'…'::DATE`)
 * outside any call. `compared` records that for each literal.
 *
 * The lexer only accepts what it is sure DuckDB reads the same way: plain `'…'` literals
 * (`''` escapes), `"…"` names, `--` and unnested block comments. Anything else (a backslash
 * or prefix in a literal, `$`, nested comments, unbalanced brackets) gives null: no shape, so
 * the caller checks the text itself.
 */
export interface SqlShape {
  /** The text between literals, verbatim: equal shapes mean equal statements up to literal contents. */
  shape: string;
  literals: { text: string; compared: boolean }[];
}

const COMPARISONS = new Set([
  '=',
  '==',
  '<>',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  'LIKE',
  'ILIKE',
  'GLOB',
  'BETWEEN',
  'AND',
  'OR',
]);
/** Words before a `(` that makes a subquery or a group, not a call. */
const GROUPING_WORDS = new Set([
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'ON',
  'HAVING',
  'WHEN',
  'THEN',
  'ELSE',
  'SELECT',
  'FROM',
  'JOIN',
  'IN',
  'EXISTS',
  'AS',
  'WITH',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'ALL',
  'DISTINCT',
  'BY',
  'LATERAL',
  'QUALIFY',
]);
const OPERATOR_CHARS = '+-*/<>=~!@#%^&|`?';

type Token = { kind: 'word' | 'name' | 'literal' | 'symbol' | 'number'; text: string };

export function sqlShape(sql: string): SqlShape | null {
  const between: string[] = [];
  let from = 0;
  const literals: SqlShape['literals'] = [];
  /** Open brackets: whether each is a call's (or an index, a struct) and whether it is an `IN (…)` list. */
  const open: { call: boolean; inList: boolean }[] = [];
  let prev: Token | null = null;
  let i = 0;
  const push = (t: Token) => {
    prev = t;
  };
  /** Position after blanks and comments from `at`, or -1 on a comment the lexer does not accept. */
  const skipBlanks = (at: number): number => {
    for (;;) {
      while (at < sql.length && /\s/.test(sql[at])) at++;
      if (sql.startsWith('--', at)) {
        const end = sql.indexOf('\n', at);
        at = end < 0 ? sql.length : end + 1;
      } else if (sql.startsWith('/*', at)) {
        const end = sql.indexOf('*/', at + 2);
        if (end < 0 || sql.slice(at + 2, end).includes('/*')) return -1;
        at = end + 2;
      } else return at;
    }
  };
  for (;;) {
    i = skipBlanks(i);
    if (i < 0) return null;
    if (i >= sql.length) break;
    const ch = sql[i];
    const last = prev as Token | null;
    if (ch === "'") {
      // E'…', X'…', U&'…' and the like read escapes: not a plain literal.
      if (i > 0 && /[A-Za-z0-9_&]/.test(sql[i - 1])) return null;
      let text = '';
      let j = i + 1;
      for (;;) {
        const end = sql.indexOf("'", j);
        if (end < 0) return null;
        text += sql.slice(j, end);
        if (sql[end + 1] === "'") {
          text += "'";
          j = end + 2;
        } else {
          j = end + 1;
          break;
        }
      }
      if (text.includes('\\')) return null;
      const next = skipBlanks(j);
      if (next < 0) return null;
      const outsideCalls = open.every((o) => !o.call);
      const top = open.at(-1);
      const compared =
        outsideCalls &&
        ((last !== null &&
          (last.kind === 'symbol' || last.kind === 'word') &&
          COMPARISONS.has(last.text.toUpperCase())) ||
          (top?.inList === true && last !== null && (last.text === '(' || last.text === ',')) ||
          sql.startsWith('::', next));
      literals.push({ text, compared });
      between.push(sql.slice(from, i));
      from = j;
      push({ kind: 'literal', text });
      i = j;
    } else if (ch === '"') {
      let j = i + 1;
      for (;;) {
        const end = sql.indexOf('"', j);
        if (end < 0) return null;
        if (sql[end + 1] === '"') j = end + 2;
        else {
          j = end + 1;
          break;
        }
      }
      push({ kind: 'name', text: sql.slice(i, j) });
      i = j;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(ch)) {
      const m = /^[A-Za-z0-9_\u0080-\uffff]+/.exec(sql.slice(i))![0];
      if (sql[i + m.length] === '$' || sql[i + m.length] === "'") return null;
      push({ kind: 'word', text: m });
      i += m.length;
    } else if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^[0-9A-Za-z_.]+/.exec(sql.slice(i))![0];
      push({ kind: 'number', text: m });
      i += m.length;
    } else if ('([{'.includes(ch)) {
      const call =
        ch !== '(' ||
        (last !== null &&
          (last.kind === 'name' ||
            last.kind === 'literal' ||
            last.kind === 'number' ||
            [')', ']', '}'].includes(last.text) ||
            (last.kind === 'word' && !GROUPING_WORDS.has(last.text.toUpperCase()))));
      open.push({ call, inList: ch === '(' && last?.kind === 'word' && last.text.toUpperCase() === 'IN' });
      push({ kind: 'symbol', text: ch });
      i++;
    } else if (')]}'.includes(ch)) {
      if (!open.pop()) return null;
      push({ kind: 'symbol', text: ch });
      i++;
    } else if (OPERATOR_CHARS.includes(ch)) {
      let j = i;
      while (j < sql.length && OPERATOR_CHARS.includes(sql[j]) && !sql.startsWith('--', j) && !sql.startsWith('/*', j))
        j++;
      push({ kind: 'symbol', text: sql.slice(i, j) });
      i = j;
    } else if (',;.:'.includes(ch)) {
      push({ kind: 'symbol', text: ch });
      i++;
    } else return null;
  }
  if (open.length) return null;
  between.push(sql.slice(from));
  return { shape: JSON.stringify(between), literals };
}

/**
 * Whether a check of `checked` answers for `text` too: same statements, and every literal
 * that differs is one whose content cannot change a result type.
 */
export function sameChecks(checked: SqlShape, text: SqlShape): boolean {
  if (checked.shape !== text.shape) return false;
  return text.literals.every(
    (l, k) => l.text === checked.literals[k].text || (l.compared && checked.literals[k].compared),
  );
}
