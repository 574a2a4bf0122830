import { badRequest } from '../common/errors.js';

/**
 * Turns notebook code (TypeScript or Python cells, joined in order) into a code recipe's source.
 * A cell reads datasets with `dataset("x")` / `llano.dataset("x")` and shows its result as its
 * last expression; a recipe has `run(inputs, output, variables, log)` and writes rows. So the code
 * goes into `run`, `dataset` reads the recipe's input of that name, and the last expression (a
 * data frame, or rows) is what the recipe writes. The cell text is kept as written, so the recipe
 * reads like the cell did.
 */
export interface CodeFromCells {
  code: string;
  /** Datasets the code reads with `dataset("x")`. */
  inputs: string[];
}

const DATASET_CALL = /\bdataset\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\)/g;
const SQL_CALL = /(^|[^.\w])sql\(/m;

/** Datasets named in `dataset("x")` calls, in order of first use. */
export function datasetsReadBy(source: string): string[] {
  return [...new Set([...source.matchAll(DATASET_CALL)].map((m) => m[1]))];
}

const PY_STATEMENT =
  /^(def|class|if|elif|else|for|while|with|try|except|finally|import|from|return|raise|pass|assert|del|global|nonlocal|async|@)\b/;
const TS_STATEMENT =
  /^(var|let|const|function|async\s+function|class|if|else|for|while|do|switch|try|catch|finally|return|throw|break|continue|import|export|type|interface|enum)\b|^[}{]/;
/** `a = …`, `a.b[c] = …`, `a += …` (not `==`): a statement, not the cell's value. */
const ASSIGNMENT = /^[\w$.[\]'" ,]+\s*([-+*/%&|^@]|\*\*|\/\/|<<|>>)?=(?![=>])/;

/** Splits the source at its last top-level line when that line is an expression (the cell's value). */
function lastExpression(lines: string[], statement: RegExp, language: string): { body: string[]; value: string } {
  let at = lines.length - 1;
  while (at >= 0 && (lines[at].trim() === '' || /^\s*(#|\/\/)/.test(lines[at]))) at--;
  const line = at >= 0 ? lines[at] : '';
  if (at < 0 || /^\s/.test(line) || statement.test(line) || ASSIGNMENT.test(line))
    throw badRequest(
      `cells: the ${language} code must end with the rows it makes, as an expression on its own line (for example \`df\`), which the recipe writes`,
    );
  return { body: lines.slice(0, at), value: line.trim().replace(/;$/, '') };
}

const indent = (lines: string[], by: string) => lines.map((l) => (l.trim() === '' ? '' : by + l));

function refuseSql(source: string): void {
  if (SQL_CALL.test(source))
    throw badRequest(
      'cells: sql() is not available in a code recipe; read datasets with dataset("name") (or make the query a SQL recipe upstream)',
    );
}

export function pythonRecipeFromCells(source: string, origin: string): CodeFromCells {
  refuseSql(source);
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const { body, value } = lastExpression(lines, PY_STATEMENT, 'Python');
  const code = [
    `# ${origin}: the code of run() is the notebook's; its last expression is what the recipe writes.`,
    'import types',
    '',
    '',
    'def run(inputs, output, variables, log):',
    '    def dataset(name):',
    '        return inputs[name].to_pandas()',
    '',
    '    llano = types.SimpleNamespace(dataset=dataset)',
    '',
    '    def display(*values):',
    '        log(*values)',
    '',
    '    def chart(option):',
    '        pass',
    '',
    ...indent(body, '    '),
    `    result = ${value}`,
    '    if hasattr(result, "to_csv"):',
    '        output.write_frame(result)',
    '    else:',
    '        for row in result:',
    '            output.write(row)',
    '',
  ];
  return { code: code.join('\n'), inputs: datasetsReadBy(source) };
}

export function typescriptRecipeFromCells(source: string, origin: string): CodeFromCells {
  refuseSql(source);
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  // Imports stay at the top of the module.
  const imports = lines.filter((l) => /^import\s/.test(l));
  const rest = lines.filter((l) => !/^import\s/.test(l));
  const { body, value } = lastExpression(rest, TS_STATEMENT, 'TypeScript');
  const code = [
    ...imports,
    `// ${origin}: the body of run() is the notebook's; its last expression is what the recipe writes.`,
    'export default async function run({ inputs, output, variables, log }) {',
    '  const dataset = (name: string) => inputs[name].toArray();',
    '  const llano = { dataset };',
    '  const display = (...values: unknown[]) => log(...values);',
    '  const chart = (_option: unknown) => undefined;',
    ...indent(body, '  '),
    `  const result = await (${value});`,
    '  for (const row of result) await output.write(row);',
    '}',
    '',
  ];
  return { code: code.join('\n'), inputs: datasetsReadBy(source) };
}
