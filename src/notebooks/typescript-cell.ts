/** What the TypeScript kernel runs for one cell, or the compiler's error for the cell's error output. */
export type PreparedCell = { code: string } | { error: { name: string; message: string; traceback: string } };

const IMPORT = /^import\s+(.*?)\s*from\s*("[^"]+"|'[^']+');?\s*$/;
const SIDE_EFFECT_IMPORT = /^import\s*("[^"]+"|'[^']+');?\s*$/;
/** Statements that cannot be returned as the cell's value. */
const NOT_AN_EXPRESSION =
  /^(?:(?:var|let|const|function|async\s+function|class|if|for|while|do|switch|try|return|throw|break|continue|import|export|with|debugger)\b|[\w$]+\s*:(?!:)|[{;])/;

/** `import d, { a as b } from "m"` → statements loading the module with `await import()` into the cell's variables. */
function rewriteImport(clause: string, from: string): string {
  const parts: string[] = [];
  const named = /\{([^}]*)\}/.exec(clause);
  const star = /\*\s+as\s+([\w$]+)/.exec(clause);
  const def = /^([\w$]+)\s*(,|$)/.exec(clause.trim());
  const module = `await import(${from})`;
  if (star) parts.push(`var ${star[1]} = ${module};`);
  if (def) parts.push(`var ${def[1]} = (${module}).default;`);
  if (named) {
    const bindings = named[1]
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean)
      .map((b) => b.replace(/\s+as\s+/, ': '));
    parts.push(`var { ${bindings.join(', ')} } = ${module};`);
  }
  return parts.join(' ');
}

/**
 * Turns a TypeScript cell into the body the kernel runs (see kernels/typescript-kernel.ts).
 * `resolveFile` answers what an import of a relative path (`./lib/bands.ts`) loads instead (see
 * typescript-cell-imports.ts); its error is the cell's.
 * esbuild strips the types and writes one top-level statement per line at column 0, which
 * makes the rest line-wise: top-level `let`/`const` become `var` (kept between cells),
 * imports become `await import()`, top-level functions and classes are copied onto the kept
 * scope at the end, and the last statement, when it is an expression, is returned (the
 * cell's value, as in Jupyter).
 */
export async function prepareTypeScriptCell(
  source: string,
  resolveFile?: (specifier: string) => Promise<string>,
): Promise<PreparedCell> {
  let js: string;
  // esbuild's API is loaded by the first TypeScript cell, not at the server's start.
  const { transform } = await import('esbuild');
  try {
    js = (
      await transform(source, {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        sourcefile: 'cell.ts',
        // An import the cell does not use yet is still meant (a later cell may): keep it.
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
      })
    ).code;
  } catch (error) {
    const first = (
      error as { errors?: { text: string; location?: { line: number; column: number; lineText: string } }[] }
    ).errors?.[0];
    if (!first) throw error;
    const where = first.location ? `line ${first.location.line}, column ${first.location.column + 1}` : 'cell';
    const excerpt = first.location ? `\n  ${first.location.lineText}\n  ${' '.repeat(first.location.column)}^` : '';
    return {
      error: {
        name: 'SyntaxError',
        message: `${first.text} (${where})`,
        traceback: `SyntaxError: ${first.text} (${where})${excerpt}`,
      },
    };
  }
  const lines = js.replace(/\n+$/, '').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const imported = IMPORT.exec(line);
    const sideEffect = SIDE_EFFECT_IMPORT.exec(line);
    const from = imported?.[2] ?? sideEffect?.[1];
    let target = from;
    if (from && resolveFile && /^\.\.?\//.test(from.slice(1, -1)))
      try {
        target = JSON.stringify(await resolveFile(from.slice(1, -1)));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { error: { name: 'ImportError', message, traceback: `ImportError: ${message}\n  ${line}` } };
      }
    if (imported) lines[i] = rewriteImport(imported[1], target!);
    else if (sideEffect) lines[i] = `await import(${target!});`;
    else if (/^(const|let) /.test(line)) lines[i] = line.replace(/^(const|let) /, 'var ');
    else if (/^export\b/.test(line))
      return {
        error: {
          name: 'SyntaxError',
          message: 'A cell cannot export: its top-level variables are kept for the next cells',
          traceback: line,
        },
      };
    const declared = /^(?:async\s+)?(?:function\*?|class)\s+([\w$]+)/.exec(line);
    if (declared) kept.push(`__llanoScope.${declared[1]} = ${declared[1]};`);
  }
  // The last top-level statement starts on the last line at column 0 that does not close a block.
  let last = lines.length - 1;
  while (last > 0 && /^[\s})\]]/.test(lines[last])) last--;
  const statement = lines.slice(last).join('\n');
  let tail: string[] = [];
  if (last >= 0 && statement.trim() && !NOT_AN_EXPRESSION.test(lines[last]) && !/^\s*$/.test(lines[last])) {
    tail = [`return (${statement.replace(/;\s*$/, '')});`];
    lines.length = last;
  }
  return { code: [...lines, ...kept, ...tail].join('\n') };
}
