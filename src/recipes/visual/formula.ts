import { badRequest } from '../../common/errors.js';
import { ident, literal } from './sql.js';

/** The formula as an error quotes it: a long one is cut, so an error stays one readable line (the position says where). */
const quoted = (text: string) => JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}…` : text);

/**
 * The formula language of prepare steps, compiled to SQL. The text is parsed into a tree and the
 * SQL is written from the tree, so a formula can only name columns (quoted), literals (escaped),
 * the operators below and the functions of `FUNCTIONS`:
 *
 *   if trec > 100 and band = 'ALMA_RB_06' then 'hot' elif trec is null then 'none' else 'ok' end
 *   round([Trec (K)] * 1.5, 2) + coalesce(offset, 0)
 *
 * Columns are bare names (`trec`) or bracketed (`[any name]`, `]]` for a `]`); strings are in
 * single or double quotes (doubled to escape); `&` joins texts.
 */

type Node =
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'const'; sql: 'TRUE' | 'FALSE' | 'NULL' }
  | { kind: 'column'; name: string }
  | { kind: 'unary'; op: '-' | 'NOT'; arg: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'isnull'; negated: boolean; arg: Node }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'if'; branches: { when: Node; then: Node }[]; otherwise: Node | null };

interface Token {
  kind: 'number' | 'string' | 'name' | 'column' | 'op' | 'end';
  text: string;
  at: number;
}

const KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'end', 'and', 'or', 'not', 'is', 'null', 'true', 'false']);

/** name → [min args, max args, SQL writer]. */
const FUNCTIONS: Record<string, [number, number, (a: string[]) => string]> = {
  abs: [1, 1, (a) => `abs(${a[0]})`],
  round: [1, 2, (a) => `round(${a[0]}, ${a[1] ?? '0'})`],
  floor: [1, 1, (a) => `floor(${a[0]})`],
  ceil: [1, 1, (a) => `ceil(${a[0]})`],
  sqrt: [1, 1, (a) => `sqrt(${a[0]})`],
  ln: [1, 1, (a) => `ln(${a[0]})`],
  log10: [1, 1, (a) => `log10(${a[0]})`],
  exp: [1, 1, (a) => `exp(${a[0]})`],
  pow: [2, 2, (a) => `pow(${a[0]}, ${a[1]})`],
  sign: [1, 1, (a) => `sign(${a[0]})`],
  least: [
    1,
    20,
    (a) => `CASE WHEN ${a.map((x) => `(${x}) IS NULL`).join(' OR ')} THEN NULL ELSE least(${a.join(', ')}) END`,
  ],
  greatest: [
    1,
    20,
    (a) => `CASE WHEN ${a.map((x) => `(${x}) IS NULL`).join(' OR ')} THEN NULL ELSE greatest(${a.join(', ')}) END`,
  ],
  coalesce: [1, 20, (a) => `coalesce(${a.join(', ')})`],
  is_null: [1, 1, (a) => `((${a[0]}) IS NULL)`],
  lower: [1, 1, (a) => `lower(${a[0]})`],
  upper: [1, 1, (a) => `upper(${a[0]})`],
  trim: [1, 1, (a) => `trim(${a[0]})`],
  length: [1, 1, (a) => `length(${a[0]})`],
  substr: [2, 3, (a) => (a.length === 3 ? `substr(${a[0]}, ${a[1]}, ${a[2]})` : `substr(${a[0]}, ${a[1]})`)],
  concat: [1, 20, (a) => `concat(${a.join(', ')})`],
  contains: [2, 2, (a) => `contains(${a[0]}, ${a[1]})`],
  starts_with: [2, 2, (a) => `starts_with(${a[0]}, ${a[1]})`],
  ends_with: [2, 2, (a) => `ends_with(${a[0]}, ${a[1]})`],
  replace: [3, 3, (a) => `replace(${a[0]}, ${a[1]}, ${a[2]})`],
  to_number: [1, 1, (a) => `TRY_CAST(${a[0]} AS DOUBLE)`],
  to_text: [1, 1, (a) => `CAST(${a[0]} AS VARCHAR)`],
  to_date: [1, 1, (a) => `TRY_CAST(${a[0]} AS DATE)`],
  to_timestamp: [1, 1, (a) => `TRY_CAST(${a[0]} AS TIMESTAMP)`],
  year: [1, 1, (a) => `year(${a[0]})`],
  month: [1, 1, (a) => `month(${a[0]})`],
  day: [1, 1, (a) => `day(${a[0]})`],
  hour: [1, 1, (a) => `hour(${a[0]})`],
  days_between: [2, 2, (a) => `date_diff('day', ${a[0]}, ${a[1]})`],
  seconds_between: [2, 2, (a) => `(epoch(${a[1]}) - epoch(${a[0]}))`],
};
export const FORMULA_FUNCTIONS = Object.keys(FUNCTIONS);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (m: string) => badRequest(`Formula ${quoted(text)}: ${m} at character ${i + 1}`);
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num) {
      tokens.push({ kind: 'number', text: num[0], at });
      i += num[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw fail('unterminated text');
        if (text[i] === c) {
          if (text[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ kind: 'string', text: value, at });
      continue;
    }
    if (c === '[') {
      let name = '';
      i++;
      for (;;) {
        if (i >= text.length) throw fail('unterminated [column name]');
        if (text[i] === ']') {
          if (text[i + 1] === ']') {
            name += ']';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += text[i++];
      }
      if (!name) throw fail('empty [column name]');
      tokens.push({ kind: 'column', text: name, at });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (word) {
      tokens.push({ kind: 'name', text: word[0], at });
      i += word[0].length;
      continue;
    }
    const op = /^(<=|>=|<>|!=|==|[-+*/%<>=(),&])/.exec(text.slice(i));
    if (!op) throw fail(`unexpected ${JSON.stringify(c)}`);
    tokens.push({ kind: 'op', text: op[0], at });
    i += op[0].length;
  }
  tokens.push({ kind: 'end', text: '', at: text.length });
  return tokens;
}

const MAX_DEPTH = 100;

function parse(text: string): Node {
  if (text.length > 10_000) throw badRequest('A formula is at most 10000 characters');
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek().kind === 'name' && peek().text.toLowerCase() === w;
  const isOp = (o: string) => peek().kind === 'op' && peek().text === o;
  const fail = (m: string) =>
    badRequest(`Formula ${quoted(text)}: ${m} at character ${peek().at + 1}${peek().kind === 'end' ? ' (end)' : ''}`);
  const expectWord = (w: string) => {
    if (!isWord(w)) throw fail(`expected "${w}"`);
    pos++;
  };
  const expectOp = (o: string) => {
    if (!isOp(o)) throw fail(`expected "${o}"`);
    pos++;
  };

  function expr(): Node {
    if (++depth > MAX_DEPTH) throw fail('too deeply nested');
    try {
      if (isWord('if')) return ifExpr();
      return or();
    } finally {
      depth--;
    }
  }
  function ifExpr(): Node {
    pos++;
    const branches = [];
    const when = expr();
    expectWord('then');
    branches.push({ when, then: expr() });
    while (isWord('elif')) {
      pos++;
      const w = expr();
      expectWord('then');
      branches.push({ when: w, then: expr() });
    }
    let otherwise: Node | null = null;
    if (isWord('else')) {
      pos++;
      otherwise = expr();
    }
    if (isWord('end')) pos++;
    return { kind: 'if', branches, otherwise };
  }
  function or(): Node {
    let left = and();
    while (isWord('or')) {
      pos++;
      left = { kind: 'binary', op: 'OR', left, right: and() };
    }
    return left;
  }
  function and(): Node {
    let left = not();
    while (isWord('and')) {
      pos++;
      left = { kind: 'binary', op: 'AND', left, right: not() };
    }
    return left;
  }
  function not(): Node {
    if (isWord('not')) {
      pos++;
      return { kind: 'unary', op: 'NOT', arg: not() };
    }
    return comparison();
  }
  function comparison(): Node {
    const left = additive();
    if (isWord('is')) {
      pos++;
      const negated = isWord('not');
      if (negated) pos++;
      expectWord('null');
      return { kind: 'isnull', negated, arg: left };
    }
    const t = peek();
    const ops: Record<string, string> = {
      '=': '=',
      '==': '=',
      '!=': '<>',
      '<>': '<>',
      '<': '<',
      '<=': '<=',
      '>': '>',
      '>=': '>=',
    };
    if (t.kind === 'op' && ops[t.text]) {
      pos++;
      return { kind: 'binary', op: ops[t.text], left, right: additive() };
    }
    return left;
  }
  function additive(): Node {
    let left = multiplicative();
    while (isOp('+') || isOp('-') || isOp('&')) {
      const op = tokens[pos++].text;
      left = { kind: 'binary', op: op === '&' ? '||' : op, left, right: multiplicative() };
    }
    return left;
  }
  function multiplicative(): Node {
    let left = unary();
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = tokens[pos++].text;
      left = { kind: 'binary', op, left, right: unary() };
    }
    return left;
  }
  function unary(): Node {
    if (isOp('-')) {
      pos++;
      if (++depth > MAX_DEPTH) throw fail('too deeply nested');
      try {
        return { kind: 'unary', op: '-', arg: unary() };
      } finally {
        depth--;
      }
    }
    return primary();
  }
  function primary(): Node {
    const t = peek();
    if (t.kind === 'number') {
      pos++;
      return { kind: 'number', text: t.text };
    }
    if (t.kind === 'string') {
      pos++;
      return { kind: 'string', value: t.text };
    }
    if (t.kind === 'column') {
      pos++;
      return { kind: 'column', name: t.text };
    }
    if (isOp('(')) {
      pos++;
      const inner = expr();
      expectOp(')');
      return inner;
    }
    if (t.kind === 'name') {
      const lower = t.text.toLowerCase();
      if (lower === 'true' || lower === 'false' || lower === 'null') {
        pos++;
        return { kind: 'const', sql: lower.toUpperCase() as 'TRUE' | 'FALSE' | 'NULL' };
      }
      if (KEYWORDS.has(lower)) throw fail(`unexpected "${t.text}"`);
      pos++;
      if (isOp('(')) {
        const fn = FUNCTIONS[lower];
        if (!fn) throw fail(`unknown function ${t.text} (known: ${FORMULA_FUNCTIONS.join(', ')})`);
        pos++;
        const args: Node[] = [];
        if (!isOp(')')) {
          args.push(expr());
          while (isOp(',')) {
            pos++;
            args.push(expr());
          }
        }
        expectOp(')');
        if (args.length < fn[0] || args.length > fn[1])
          throw fail(
            `${lower} takes ${fn[0] === fn[1] ? fn[0] : `${fn[0]} to ${fn[1]}`} arguments, not ${args.length}`,
          );
        return { kind: 'call', name: lower, args };
      }
      return { kind: 'column', name: t.text };
    }
    throw fail(t.kind === 'end' ? 'unexpected end of formula' : `unexpected "${t.text}"`);
  }

  const tree = expr();
  if (peek().kind !== 'end') throw fail(`unexpected "${peek().text}"`);
  return tree;
}

function toSql(node: Node): string {
  switch (node.kind) {
    case 'number':
      return node.text;
    case 'string':
      return literal(node.value);
    case 'const':
      return node.sql;
    case 'column':
      return ident(node.name);
    case 'unary':
      return node.op === 'NOT' ? `(NOT ${toSql(node.arg)})` : `(- ${toSql(node.arg)})`;
    case 'binary':
      return `(${toSql(node.left)} ${node.op} ${toSql(node.right)})`;
    case 'isnull':
      return `(${toSql(node.arg)} IS ${node.negated ? 'NOT ' : ''}NULL)`;
    case 'call':
      return FUNCTIONS[node.name][2](node.args.map(toSql));
    case 'if':
      return `(CASE ${node.branches.map((b) => `WHEN ${toSql(b.when)} THEN ${toSql(b.then)}`).join(' ')}${
        node.otherwise ? ` ELSE ${toSql(node.otherwise)}` : ''
      } END)`;
  }
}

/** The SQL expression of a formula; a 400 saying where a formula does not parse. */
export function compileFormula(text: string): string {
  return toSql(parse(text));
}
